#!/usr/bin/env bash
# Asks Lighthouse whether Chromium would install Waypoint as an app, against a development
# build on a fresh demo database, and prints its installability audit. Exits non-zero when
# the app is not installable.
#
# Lighthouse 12 dropped its PWA checks (Chrome changed its install criteria), so this uses
# the last release that has them, 11.7.1, which runs on this machine's Node.js 20; npx
# fetches it from the npm registry the first time. Chromium is Debian's.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="${WAYPOINT_BIN:-$target_dir/debug/waypoint}"
[[ -x "$bin" ]] || cargo leptos build
port="${LIGHTHOUSE_PORT:-3198}"
data=$(mktemp -d)
export DATABASE_URL="sqlite:$data/lighthouse.db" WAYPOINT_ADDR="127.0.0.1:$port" RUST_LOG=warn
export WAYPOINT_PUBLIC_URL="http://localhost:$port"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
"$bin" seed-demo >/dev/null
"$bin" serve > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

CHROME_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" npx --yes lighthouse@11.7.1 \
  "http://localhost:$port/sign-in" \
  --only-categories=pwa --output=json --output-path="$data/report.json" --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu"

python3 - "$data/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
audits = report["audits"]
print(f"Lighthouse {report['lighthouseVersion']}, {report['environment']['hostUserAgent'].split(') ')[-1]}")
print(f"| {'audit':<28} | {'result':<10} |")
print(f"| {'-'*28} | {'-'*10} |")
for audit in ["installable-manifest", "splash-screen", "themed-omnibox", "maskable-icon", "viewport"]:
    if audit in audits:
        score = audits[audit]["score"]
        print(f"| {audit:<28} | {'pass' if score == 1 else 'FAIL':<10} |")
installable = audits["installable-manifest"]
if installable["score"] != 1:
    for item in installable.get("details", {}).get("items", []):
        print("  not installable:", item.get("reason"))
    sys.exit(1)
print("Installable: yes")
PY
