#!/usr/bin/env bash
# Lighthouse against the release build (precompressed, as deployed) on a fresh demo database:
#   1. mobile performance (Lighthouse 12's default: a mid-range phone, 4x slower CPU, 1.6 Mbps,
#      150 ms) of the signed-in client's Today, Plan and Appointments pages and the family
#      library, three runs each, as a table of medians;
#   2. whether Chromium would install the app (Lighthouse 11.7.1, the last release with the
#      installability audits); exits non-zero when it would not.
# npx fetches both Lighthouse releases from the npm registry the first time; Chromium is
# Debian's. Measures; asserts nothing about speed.
set -euo pipefail
source "$(dirname "$0")/release.sh"
[[ -n "${WAYPOINT_BIN:-}" ]] || build_release
runs="${LIGHTHOUSE_RUNS:-3}"
port="${LIGHTHOUSE_PORT:-3198}"
base="http://localhost:$port"
# BENCH_KEEP=dir keeps the reports there.
serve_demo "${WAYPOINT_BIN:-$target_dir/release/waypoint}" "$port"

chrome="${CHROMIUM_PATH:-/usr/bin/chromium}"
flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

# Alex's session cookie (the demo passphrase is in server/src/demo.rs). A change must say it
# comes from the site itself, as a browser's form does.
curl -fsS -c "$data/jar" -o /dev/null -H "Sec-Fetch-Site: same-origin" -d "sign_in_name=alex" \
  --data-urlencode "passphrase=riverside demo" "$base/sign-in"
cookie=$(awk '$6 == "waypoint" { print "waypoint=" $7 }' "$data/jar")

for page in ${LIGHTHOUSE_PAGES:-/ /plan /appointments /learn}; do
  headers='{}'
  [[ "$page" == /learn ]] || headers="{\"Cookie\": \"$cookie\"}"
  for run in $(seq 1 "$runs"); do
    CHROME_PATH="$chrome" npx --yes lighthouse@12.8.2 "$base$page" \
      --only-categories=performance --output=json --quiet \
      --output-path="$data/perf-$(echo "$page" | tr '/' '_')-$run.json" \
      --extra-headers="$headers" --chrome-flags="$flags" >/dev/null 2>&1 \
      || echo "lighthouse failed on $page (run $run)" >&2
  done
done

python3 - "$data" <<'PY'
import glob, json, statistics, sys
data = sys.argv[1]
print("Lighthouse 12.8.2, mobile, median of the runs (first visit, nothing cached)")
print(f"| {'page':<14} | {'score':>5} | {'FCP ms':>7} | {'LCP ms':>7} | {'TBT ms':>7} | {'TTI ms':>7} | {'KiB':>6} |")
print(f"| {'-'*14} | {'-'*5} | {'-'*7} | {'-'*7} | {'-'*7} | {'-'*7} | {'-'*6} |")
for page in ["/", "/plan", "/appointments", "/learn"]:
    reports = [json.load(open(f)) for f in sorted(glob.glob(f"{data}/perf-{page.replace('/', '_')}-*.json"))]
    # A run Lighthouse could not finish has no score; the medians are of the others.
    reports = [r for r in reports if r["categories"]["performance"]["score"] is not None]
    if not reports:
        print(f"| {page:<14} | no run finished |")
        continue
    def median(audit):
        return statistics.median(r["audits"][audit]["numericValue"] for r in reports)
    score = statistics.median(r["categories"]["performance"]["score"] * 100 for r in reports)
    print(f"| {page:<14} | {score:>5.0f} | {median('first-contentful-paint'):>7.0f} | "
          f"{median('largest-contentful-paint'):>7.0f} | {median('total-blocking-time'):>7.0f} | "
          f"{median('interactive'):>7.0f} | {median('total-byte-weight') / 1024:>6.0f} |")
PY
echo

CHROME_PATH="$chrome" npx --yes lighthouse@11.7.1 "$base/sign-in" \
  --only-categories=pwa --output=json --output-path="$data/report.json" --quiet \
  --chrome-flags="$flags"

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
