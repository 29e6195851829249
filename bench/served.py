#!/usr/bin/env python3
"""What a phone downloads on a first visit, as the running server sends it to a browser that
accepts brotli: for each kind of page, every file the visit fetches (the page, its styles,
script and wasm, the manifest and its icons, the service worker and the shell it keeps),
each counted once, by kind of file; and what a new release costs a phone that already has
the old one (the page, the files whose names carry their content's hash, the worker and the
offline page). Measures; asserts nothing.

    bench/served.py http://127.0.0.1:3199
"""
import gzip
import html.parser
import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

BASE = sys.argv[1].rstrip("/")
PASSPHRASE = "riverside demo"  # every demo account's (server/src/demo.rs)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A fresh browser: its own cookies, accepting brotli like Chromium does."""

    def __init__(self):
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )

    def fetch(self, path, data=None):
        """The status, the bytes on the wire, the decoded text and the headers."""
        request = urllib.request.Request(BASE + path, data=data)
        request.add_header("Accept-Encoding", "br, gzip")
        request.add_header("Sec-Fetch-Site", "same-origin")
        try:
            response = self.opener.open(request)
        except urllib.error.HTTPError as answer:
            response = answer
        wire = response.read()
        encoding = response.headers.get("Content-Encoding", "")
        if encoding == "br":
            body = subprocess.run(
                ["brotli", "-d", "-c"], input=wire, capture_output=True, check=True
            ).stdout
        elif encoding == "gzip":
            body = gzip.decompress(wire)
        else:
            body = wire
        return response.status, wire, body, response.headers

    def post(self, path, fields):
        return self.fetch(path, urllib.parse.urlencode(fields).encode())

    def sign_in(self, name):
        status, _, _, headers = self.post(
            "/sign-in", {"sign_in_name": name, "passphrase": PASSPHRASE}
        )
        location = headers.get("Location", "")
        assert status == 303 and "problem" not in location, f"{name}: {location}"
        return self


class Links(html.parser.HTMLParser):
    """The files a page asks the browser for as it loads."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = attrs.get("rel", "")
        if tag == "link" and rel in ("stylesheet", "modulepreload", "preload", "icon", "manifest"):
            self.urls.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def kind_of(url):
    path = urllib.parse.urlparse(url).path
    if path in ("/sw.js",):
        return "worker"
    for ending, kind in ((".wasm", "wasm"), (".js", "js"), (".css", "css")):
        if path.endswith(ending):
            return kind
    if path.endswith((".png", ".svg", ".webmanifest")):
        return "icons"
    return "html"


def first_visit(browser, page):
    """Every file of a first visit to `page`, once each: url -> (kind, wire bytes)."""
    files = {}
    status, wire, body, headers = browser.fetch(page)
    if status == 303:
        # `/learn` leads to the library's home in the reader's language.
        page = headers["Location"]
        status, wire, body, _ = browser.fetch(page)
    assert status == 200, f"{page}: {status}"
    files[page] = ("html", len(wire))
    links = Links()
    text = body.decode()
    links.feed(text)
    # The script that starts the app names its script and wasm, and the client bundle's the
    # service worker's registration (app/src/bundle.rs).
    started = re.findall(r'(?:import\(|module_or_path: |\.src = )"(/[^"]+)"', text)
    queue = list(links.urls) + started
    while queue:
        url = urllib.parse.urljoin(BASE + page, queue.pop(0))
        path = urllib.parse.urlparse(url).path
        if path in files:
            continue
        status, wire, body, _ = browser.fetch(path)
        if status != 200:
            continue
        files[path] = (kind_of(path), len(wire))
        if path.endswith(".js") and path.startswith("/pkg/"):
            # wasm-bindgen's snippets (inline JavaScript of the Rust code).
            for snippet in re.findall(rb"""from\s*['"](\./snippets/[^'"]+)['"]""", body):
                queue.append(urllib.parse.urljoin(url, snippet.decode()))
        if path.endswith(".webmanifest"):
            queue.extend(icon["src"] for icon in json.loads(body).get("icons", []))
        if path == "/register-sw.js":
            queue.append("/sw.js")
        if path == "/sw.js":
            # A reader of the library keeps only what its pages need (public/sw.js).
            name = b"LIBRARY_SHELL" if page.startswith("/learn/") else b"SHELL"
            shell = re.search(rb"const " + name + rb" = (\[.*?\]);", body)
            if shell:
                queue.extend(json.loads(shell.group(1)))
    return files


def supporter():
    """A supporter of Alex's, signed in: Alex invites, the supporter joins with the code."""
    alex = Browser().sign_in("alex")
    ends = (date.today() + timedelta(days=30)).isoformat()
    alex.post("/supporters/invite", {"label": "Bench", "ends_on": ends, "share_goals": "on"})
    _, _, page, _ = alex.fetch("/supporters")
    code = re.search(rb'<p class="code">([0-9A-Z-]+)</p>', page).group(1).decode()
    joining = Browser()
    passphrase = "lantern by the quiet river"
    status, _, _, headers = joining.post(
        "/join",
        {
            "code": code,
            "display_name": "Bench",
            "sign_in_name": f"bench.{code[:5].lower()}",
            "passphrase": passphrase,
            "repeat_passphrase": passphrase,
        },
    )
    assert status == 303 and "problem" not in headers.get("Location", ""), headers
    return joining


KINDS = ["html", "css", "js", "wasm", "icons", "worker"]
PAGES = [
    ("client: Today", lambda: Browser().sign_in("alex"), "/"),
    ("client: Plan", lambda: Browser().sign_in("alex"), "/plan"),
    ("supporter", supporter, "/supporting"),
    ("library: home", Browser, "/learn"),
    ("library: article", Browser, "ARTICLE"),
    ("sign-in", Browser, "/sign-in"),
    ("staff: caseload", lambda: Browser().sign_in("amara"), "/caseload"),
    ("admin", lambda: Browser().sign_in("sam.admin"), "/admin"),
]


def row(cells):
    print("| " + " | ".join(f"{c:>9}" if i else f"{c:<16}" for i, c in enumerate(cells)) + " |")


print("First visit as served (bytes on the wire, brotli where the browser asks for it)")
row(["page"] + KINDS + ["total", "release"])
row(["-" * 16] + ["-" * 9] * (len(KINDS) + 2))
library_home = Browser().fetch("/learn")[3]["Location"]
for name, browser, page in PAGES:
    if page == "ARTICLE":
        page = library_home + "/a/4"
    files = first_visit(browser(), page)
    by_kind = {kind: 0 for kind in KINDS}
    for kind, size in files.values():
        by_kind[kind] += size
    release = sum(
        size
        for path, (_, size) in files.items()
        if path.startswith("/pkg/") or path in ("/sw.js", "/offline", page)
    )
    row([name] + [by_kind[k] for k in KINDS] + [sum(by_kind.values()), release])
print("(html: the page and the offline page the worker keeps; worker: /sw.js; release: what a")
print(" new release costs a phone that has the old one: the page, the hashed files, the worker")
print(" and the offline page)")

# "Save the library on this phone": every page its button lists, as a phone fetches them.
_, _, home, _ = Browser().fetch(library_home)
pages = re.search(rb'data-library-save="([^"]+)"', home).group(1).decode().split()
said = re.search(rb"(?:It uses about|Elle prend environ) (\d+) KB", home).group(1).decode()
reader = Browser()
saved = sum(len(reader.fetch(p)[1]) for p in pages)
print()
print(f"Saving the library ({library_home}): {len(pages)} pages, {saved} bytes on the wire;")
print(f" the page says about {said} KB")
