"""A storm of sign-ins against the running release server, and what it costs everyone else.

Usage: storm.py BASE_URL SERVER_PID DATABASE_FILE

Two storms of 300 sign-ins sent at once: all against one name (from one address), then all
against random names from random addresses (forwarded by a trusted proxy, as a botnet's
would be). During each, one signed-in client keeps loading their Today page and a monitor
keeps asking /healthz. Prints one table row per storm: the answers, the Argon2 hashes the
server ran (read from its database), its peak memory, and the latencies. Measures; asserts
nothing.
"""
import http.client
import random
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse

BASE, PID, DATABASE = sys.argv[1], int(sys.argv[2]), sys.argv[3]
HOST = urllib.parse.urlsplit(BASE).netloc
STORM = 300
DEMO_PASSPHRASE = "riverside demo"


def request(method, path, body=None, headers=None):
    """One request on its own connection; (status, headers, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.headers, time.perf_counter() - started
    finally:
        connection.close()


def sign_in(name, passphrase, address=None):
    body = urllib.parse.urlencode({"sign_in_name": name, "passphrase": passphrase})
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "same-origin",
        "origin": BASE,
    }
    if address:
        headers["x-forwarded-for"] = address
    return request("POST", "/sign-in", body, headers)


def memory_kib(field):
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_memory():
    # Writing 5 to clear_refs resets the process's peak resident size (Linux 4.0+).
    try:
        with open(f"/proc/{PID}/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def hashes_run():
    with sqlite3.connect(DATABASE) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM sign_in_attempts WHERE outcome IN ('failed', 'succeeded')"
        ).fetchone()
    return count


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms(seconds):
    return f"{seconds * 1000:.0f}"


def storm(label, tries, page_cookie):
    reset = reset_peak_memory()
    peak = memory_kib("VmRSS")
    hashes_before = hashes_run()
    stop = threading.Event()
    timings = {"/healthz": [], "/": []}

    def probe(path, headers):
        while not stop.is_set():
            status, _, seconds = request("GET", path, headers=headers)
            if status == 200:
                timings[path].append(seconds)
            time.sleep(0.02)

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, memory_kib("VmRSS"))
            time.sleep(0.005)

    probes = [
        threading.Thread(target=probe, args=("/healthz", {})),
        threading.Thread(target=probe, args=("/", {"cookie": page_cookie})),
        threading.Thread(target=sample),
    ]
    for thread in probes:
        thread.start()
    time.sleep(0.3)
    answers, gate = [], threading.Barrier(len(tries))

    def one(name, passphrase, address):
        gate.wait()
        status, headers, _ = sign_in(name, passphrase, address)
        answers.append((status, headers.get("retry-after")))

    workers = [threading.Thread(target=one, args=t) for t in tries]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.perf_counter() - started
    time.sleep(0.3)
    stop.set()
    for thread in probes:
        thread.join()
    if reset:
        peak = max(peak, memory_kib("VmHWM"))
    redirected = sum(1 for status, _ in answers if status == 303)
    busy = sum(1 for status, retry in answers if status == 503 and retry)
    other = len(answers) - redirected - busy
    print(
        f"| {label:<30} | {len(answers):>5} | {redirected:>5} | {busy:>5} | {other:>5} "
        f"| {hashes_run() - hashes_before:>6} | {took:>6.1f} | {peak / 1024:>8.0f} "
        f"| {ms(percentile(timings['/healthz'], .5)):>5} / {ms(percentile(timings['/healthz'], .99)):>5} "
        f"| {ms(percentile(timings['/'], .5)):>5} / {ms(percentile(timings['/'], .99)):>5} |"
    )


def main():
    status, headers, _ = sign_in("bea", DEMO_PASSPHRASE)
    cookie = headers.get("set-cookie", "").split(";")[0]
    if status != 303 or not cookie:
        sys.exit(f"could not sign in the client who keeps reading: {status}")
    print(f"Sign-in storms against the release server, {time.strftime('%Y-%m-%d')}, "
          f"{STORM} sign-ins sent at once; resident memory at rest {memory_kib('VmRSS') / 1024:.0f} MiB")
    print("| storm                          | sent  | 303   | 503   | other | hashes | secs   | peak MiB "
          "| /healthz p50 / p99 ms | signed-in page p50 / p99 ms |")
    print("| ------------------------------ | ----- | ----- | ----- | ----- | ------ | ------ | -------- "
          "| --------------------- | --------------------------- |")
    one_name = [("alex", f"wrong guess {i}", None) for i in range(STORM)]
    storm("one name, one address", one_name, cookie)
    rng = random.Random(7)
    random_names = [
        (f"someone{rng.randrange(10**9)}", "wrong guess",
         f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}")
        for _ in range(STORM)
    ]
    storm("random names, random addresses", random_names, cookie)


main()
