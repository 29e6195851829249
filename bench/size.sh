#!/usr/bin/env bash
# What a phone downloads: builds the release site (precompressed, as it is deployed), starts
# the release server on a fresh demo database and prints, for each kind of page, the bytes
# of a first visit as the server sends them, what a new release costs, and where the wasm's
# bytes go by crate. Measures; asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$root/end2end/node_modules/.bin:$PATH"   # wasm-opt from npm's binaryen
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# Each bundle's wasm as the compiler wrote it (the two builds write it to one place), for
# the breakdown at the end.
raw_wasm="$target_dir/front/wasm32-unknown-unknown/wasm-release/app.wasm"
cargo leptos build --release >/dev/null
cp "$raw_wasm" "$data/client.wasm"
.ci/build-staff.sh --release >/dev/null
cp "$raw_wasm" "$data/staff.wasm"
.ci/precompress.sh "$LEPTOS_SITE_ROOT" >/dev/null

echo "Release build, $(date -u +%Y-%m-%d)"
printf '| %-44s | %10s | %10s | %10s |\n' "file" "bytes" "gzip -9" "brotli 11"
printf '| %-44s | %10s | %10s | %10s |\n' "----" "-----" "-------" "---------"
for f in "$LEPTOS_SITE_ROOT"/pkg/*.wasm "$LEPTOS_SITE_ROOT"/pkg/*.js "$LEPTOS_SITE_ROOT"/pkg/*.css; do
  printf '| %-44s | %10s | %10s | %10s |\n' "$(basename "$f")" "$(wc -c < "$f")" \
    "$(wc -c < "$f.gz")" "$(wc -c < "$f.br")"
done
echo

port="${BENCH_PORT:-3199}"
export DATABASE_URL="sqlite:$data/bench.db" WAYPOINT_ADDR="127.0.0.1:$port" RUST_LOG=warn
export WAYPOINT_PUBLIC_URL="http://localhost:$port"
"$target_dir/release/waypoint" seed-demo >/dev/null
"$target_dir/release/waypoint" serve >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 bench/served.py "http://127.0.0.1:$port"
echo

if command -v twiggy >/dev/null; then
  for bundle in client staff; do
    echo "The $bundle bundle"
    python3 bench/wasm-crates.py "$data/$bundle.wasm"
    echo
  done
else
  echo "(no breakdown of the wasm: twiggy is installed by '.ci/tools.sh bench')"
fi
