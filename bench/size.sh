#!/usr/bin/env bash
# Builds the release site and prints what a phone downloads: the wasm, JS and CSS, raw and
# compressed, and the HTML of each client page of the demo. Measures; asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$root/end2end/node_modules/.bin:$PATH"   # wasm-opt from npm's binaryen
cargo leptos build --release >/dev/null
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
pkg="${LEPTOS_SITE_ROOT:-target/site}/pkg"

row() { printf '| %-28s | %10s | %10s | %10s |\n' "$@"; }
sizes() {
  local raw gz br
  raw=$(wc -c < "$1")
  gz=$(gzip -9 -c "$1" | wc -c)
  br=$(if command -v brotli >/dev/null; then brotli -q 11 -c "$1" | wc -c; else echo "-"; fi)
  row "$2" "$raw" "$gz" "$br"
}

echo "Release build, $(date -u +%Y-%m-%d)"
row "file" "bytes" "gzip -9" "brotli 11"
row "----" "-----" "-------" "---------"
for f in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do sizes "$f" "$(basename "$f")"; done

# The pages themselves, as the server sends them for the first demo client.
data=$(mktemp -d)
export DATABASE_URL="sqlite:$data/bench.db" WAYPOINT_ADDR=127.0.0.1:3199 RUST_LOG=warn
"$target_dir/debug/waypoint" seed-demo 2>/dev/null || true
if [[ -x "$target_dir/debug/waypoint" ]]; then
  "$target_dir/debug/waypoint" serve >/dev/null 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
  for _ in $(seq 1 50); do curl -fsS http://127.0.0.1:3199/healthz >/dev/null 2>&1 && break; sleep 0.2; done
  jar="$data/cookies"
  # Alex, with the demo passphrase (server/src/demo.rs).
  curl -fsS -c "$jar" -o /dev/null -d "sign_in_name=alex" --data-urlencode "passphrase=riverside demo" \
    http://127.0.0.1:3199/sign-in
  for page in / /plan /appointments /referrals /support /sign-in /account; do
    curl -fsS -b "$jar" -o "$data/page.html" "http://127.0.0.1:3199$page"
    sizes "$data/page.html" "page $page (HTML)"
  done
fi
