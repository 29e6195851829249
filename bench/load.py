"""Load on the release server, measured with wrk: requests per second, p50 and p99, and the
server's memory.

Usage: load.py WAYPOINT_BINARY DATA_DIR

Setups: SQLite with one instance; with TEST_POSTGRES_URL, PostgreSQL with one instance and
with two behind nginx (round robin, as deploy/ runs them). In each, over the demo program:
  unchanged sync   a phone whose cursor is current (the answer: nothing new)
  changed sync     a phone whose cursor is one message behind (the view worked out, the
                   difference sent and a new generation kept)
  client page      a client's Today page, rendered on the server
  record           a case manager's overview of a client's record (audited)
  check-in post    "I did this" on a step (a write, audited), a new key each time
Sixteen clients take turns, each with their own session. Then the same by the size of the
database, on one instance of each engine (BENCH_SCALE_ENGINES, e.g. "sqlite"; empty for
none): 1,000 and 100,000 clients (in 200 programs; BENCH_SCALE_CLIENTS to change it), each
past the demo's thirty with a year of history (`seed-demo --history`). Prints tables;
asserts nothing.
"""
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

BINARY, DATA = sys.argv[1], sys.argv[2]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "")
SCALE_CLIENTS = int(os.environ.get("BENCH_SCALE_CLIENTS", "100000"))
SCALE_ENGINES = [e for e in os.environ.get("BENCH_SCALE_ENGINES", "sqlite,postgres" if POSTGRES
                                           else "sqlite").split(",") if e]
PASSPHRASE = "riverside demo"
KEY = "0123456789abcdef0123456789abcdef"


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    """One request; (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def until_up(port):
    for _ in range(600):
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server on port {port} did not come up")


class Database:
    """A fresh database of the engine: a SQLite file, or a PostgreSQL database of its own."""

    def __init__(self, engine, name):
        self.engine = engine
        if engine == "sqlite":
            self.path = os.path.join(DATA, f"{name}.db")
            self.url = f"sqlite:{self.path}"
        else:
            self.name = f"waypoint_load_{uuid.uuid4().hex[:12]}"
            subprocess.run(["psql", POSTGRES, "-qc", f"CREATE DATABASE {self.name}"], check=True)
            self.url = POSTGRES.rsplit("/", 1)[0] + "/" + self.name

    def rows(self, sql):
        if self.engine == "sqlite":
            with sqlite3.connect(self.path) as db:
                return [tuple(str(v) for v in row) for row in db.execute(sql)]
        out = subprocess.run(["psql", self.url, "-AtF", "\t", "-c", sql], check=True,
                             capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def drop(self):
        if self.engine == "postgres":
            subprocess.run(["psql", POSTGRES, "-qc", f"DROP DATABASE {self.name} WITH (FORCE)"],
                           check=True)


def waypoint(database, *args, env=None):
    full = dict(os.environ, DATABASE_URL=database.url, RUST_LOG="warn", **(env or {}))
    return subprocess.run([BINARY, *args], env=full, check=True, capture_output=True)


class Servers:
    """`count` instances on `database`, behind nginx when more than one; `port` is the front."""

    def __init__(self, database, count):
        self.processes, self.nginx = [], None
        ports = [free_port() for _ in range(count)]
        self.port = ports[0] if count == 1 else free_port()
        env = dict(os.environ, DATABASE_URL=database.url, RUST_LOG="warn",
                   WAYPOINT_PUBLIC_URL=f"http://localhost:{self.port}",
                   WAYPOINT_TRUSTED_PROXIES="127.0.0.1")
        for port in ports:
            env["WAYPOINT_ADDR"] = f"127.0.0.1:{port}"
            log = open(os.path.join(DATA, f"server-{port}.log"), "w")
            self.processes.append(subprocess.Popen([BINARY, "serve"], env=env, stdout=log,
                                                   stderr=log))
        for port in ports:
            until_up(port)
        if count > 1:
            self.nginx = start_nginx(self.port, ports)
            until_up(self.port)

    def peak_memory_mb(self):
        """Each instance's peak resident memory."""
        peaks = []
        for process in self.processes:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) // 1024)
        return peaks

    def stop(self):
        for process in self.processes + ([self.nginx] if self.nginx else []):
            process.terminate()
            process.wait()


def start_nginx(port, instances):
    folder = tempfile.mkdtemp(dir=DATA)
    servers = "".join(f"server 127.0.0.1:{p};" for p in instances)
    conf = f"""daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  upstream waypoint {{ {servers} keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://waypoint;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""
    path = os.path.join(folder, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return subprocess.Popen(["/usr/sbin/nginx", "-p", folder, "-c", path, "-e",
                             os.path.join(folder, "error.log")])


def sign_in(port, name, number):
    """A session cookie for `name`, signing in from an address of its own (the sign-in
    throttle counts by address)."""
    body = urllib.parse.urlencode({"sign_in_name": name, "passphrase": PASSPHRASE})
    headers = {"content-type": "application/x-www-form-urlencoded",
               "sec-fetch-site": "same-origin", "origin": f"http://localhost:{port}",
               "x-forwarded-for": f"198.51.100.{number % 250 + 1}"}
    status, answer, _ = request(port, "POST", "/sign-in", body, headers)
    cookies = [c.split(";", 1)[0] for c in answer.get_all("set-cookie") or []]
    if status != 303 or not cookies:
        raise SystemExit(f"{name} could not sign in: {status}")
    return "; ".join(cookies)


def sync(port, cookie, cursor):
    body = json.dumps({"protocol": 1, "cursor": cursor, "check_ins": []})
    status, _, text = request(port, "POST", "/api/v1/sync", body, json_headers(cookie))
    if status != 200:
        raise SystemExit(f"sync answered {status}: {text[:200]}")
    return json.loads(text)


def json_headers(cookie):
    return {"content-type": "application/json", "cookie": cookie,
            "sec-fetch-site": "same-origin"}


def form_headers(cookie, port):
    return {"content-type": "application/x-www-form-urlencoded", "cookie": cookie,
            "sec-fetch-site": "same-origin", "origin": f"http://localhost:{port}"}


def step_ids(value):
    """Every step id in a sync answer."""
    if isinstance(value, dict):
        found = [s["id"] for s in value.get("steps", []) if isinstance(s, dict) and "id" in s]
        return found + [i for v in value.values() for i in step_ids(v)]
    if isinstance(value, list):
        return [i for v in value for i in step_ids(v)]
    return []


class Phone:
    """A signed-in client with a current cursor and one a message behind."""

    def __init__(self, port, name, number):
        self.cookie = sign_in(port, name, number)
        first = sync(port, self.cookie, None)
        self.steps = step_ids(first)
        self.behind = first["cursor"]
        text = urllib.parse.urlencode({"text": "See you on Tuesday.", "key": KEY})
        status, _, _ = request(port, "POST", "/messages", text, form_headers(self.cookie, port))
        assert status == 303, status
        self.current = sync(port, self.cookie, self.behind)["cursor"]


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(port, name, requests, unique_key=False):
    """Runs wrk with the requests in turn; (requests per second, p50 ms, p99 ms, errors)."""
    entries = []
    for method, path, headers, body in requests:
        header_table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                                 for k, v in headers.items())
        entries.append(f"{{{lua_string(method)}, {lua_string(path)}, {{{header_table}}}, "
                       f"{lua_string(body or '')}}}")
    script = os.path.join(DATA, f"{name}.lua")
    with open(script, "w") as f:
        f.write(f"""
local requests = {{ {", ".join(entries)} }}
local threads, number, count = {{}}, 0, 0
function setup(thread)
  number = number + 1
  thread:set("number", number)
end
function init(args)
  number = wrk.thread:get("number")
end
function request()
  count = count + 1
  local r = requests[count % #requests + 1]
  local body = r[4]
  if {str(unique_key).lower()} then
    body = body .. string.format("k%02d%029d", number, count)
  end
  if body == "" then body = nil end
  return wrk.format(r[1], r[2], r[3], body)
end
""")
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
                          "-s", script, f"http://127.0.0.1:{port}"],
                         check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {m.group(1): to_ms(m.group(2), m.group(3))
               for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    problems = int(errors.group(1)) if errors else 0
    if socket_errors:
        problems += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return rate, latency.get("50", 0.0), latency.get("99", 0.0), problems


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def client_names(database, count):
    return [row[0] for row in database.rows(
        "SELECT a.sign_in_name FROM accounts a JOIN client_profiles c ON c.person_id = a.person_id "
        f"ORDER BY a.sign_in_name LIMIT {count}")]


def scenarios(database, port):
    phones = [Phone(port, name, n) for n, name in enumerate(client_names(database, 16))]
    staff = sign_in(port, "amara", 251)
    alex = database.rows("SELECT c.person_id FROM client_profiles c "
                         "JOIN accounts a ON a.person_id = c.person_id WHERE a.sign_in_name = 'alex'")[0][0]
    sync_of = lambda cursor_of: [
        ("POST", "/api/v1/sync", json_headers(p.cookie),
         json.dumps({"protocol": 1, "cursor": cursor_of(p), "check_ins": []})) for p in phones]
    return [
        ("unchanged sync", sync_of(lambda p: p.current), False),
        ("client page", [("GET", "/", {"cookie": p.cookie}, None) for p in phones], False),
        ("record", [("GET", f"/caseload/{alex}", {"cookie": staff}, None)], False),
        ("check-in post", [("POST", "/check-ins/step", form_headers(p.cookie, port),
                            f"step_id={p.steps[0]}&key=") for p in phones if p.steps], True),
        # Last: each of these keeps a new generation and forgets the current one.
        ("changed sync", sync_of(lambda p: p.behind), False),
    ]


def measure(engine, instances, label, seed_args=()):
    """Seeds a new database, starts `instances` servers on it and runs every scenario: the
    rows, the servers' peak memory and the seconds seeding took."""
    database = Database(engine, label)
    try:
        started = time.monotonic()
        waypoint(database, "seed-demo", *seed_args)
        seeded = time.monotonic() - started
        servers = Servers(database, instances)
        try:
            rows = [(name, *wrk(servers.port, f"{label}-{name.replace(' ', '-')}", requests, unique))
                    for name, requests, unique in scenarios(database, servers.port)]
            peaks = servers.peak_memory_mb()
        finally:
            servers.stop()
    finally:
        database.drop()
    return rows, peaks, seeded


def run_setup(engine, instances):
    rows, peaks, _ = measure(engine, instances, f"load-{engine}-{instances}")
    for name, rate, p50, p99, errors in rows:
        print(f"| {engine:<8} | {instances} | {name:<14} | {rate:>9,.0f} | {p50:>7.2f} | "
              f"{p99:>7.2f} | {errors:>6} | {'+'.join(str(p) for p in peaks):>9} |", flush=True)


def scale(engine, clients):
    """Everything again on one instance over a database of `clients` clients with a year
    of history each."""
    programs = max(1, clients // 500)
    seed_args = ("--clients", str(clients), "--organisations", str(programs), "--history")
    rows, _, seeded = measure(engine, 1, f"scale-{engine}-{clients}", seed_args)
    for name, rate, p50, p99, errors in rows:
        print(f"| {engine:<8} | {clients:>7,} | {programs:>4} | {name:<14} | {rate:>9,.0f} | "
              f"{p50:>7.2f} | {p99:>7.2f} | {errors:>6} | {seeded:>6.0f} s |", flush=True)


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: .ci/tools.sh bench installs it")
    print(f"Load, {SECONDS} s each, wrk with 2 threads and {CONNECTIONS} connections on this "
          f"machine ({os.cpu_count()} cores, shared with the server)")
    print("| engine   | instances | what | req/s | p50 ms | p99 ms | errors | peak MB |")
    print("|----------|---|----------------|-----------|---------|---------|--------|-----------|")
    setups = [("sqlite", 1)] + ([("postgres", 1), ("postgres", 2)] if POSTGRES else [])
    for engine, instances in setups:
        run_setup(engine, instances)
    print()
    print("By the size of the database (one instance; each client past the demo's thirty has a "
          "year of weekly appointments, check-ins and audit entries)")
    print("| engine   | clients | programs | what | req/s | p50 ms | p99 ms | errors | seeding |")
    print("|----------|---------|------|----------------|-----------|---------|---------|--------|---------|")
    for engine in SCALE_ENGINES:
        for clients in (1000, SCALE_CLIENTS):
            scale(engine, clients)


if __name__ == "__main__":
    main()
