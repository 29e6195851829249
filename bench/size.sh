#!/usr/bin/env bash
# What a phone downloads: builds the release site (precompressed, as it is deployed), starts
# the release server on a fresh demo database and prints, for each kind of page, the bytes
# of a first visit as the server sends them, what a new release costs, and where the wasm's
# bytes go by crate. Measures; asserts nothing.
set -euo pipefail
source "$(dirname "$0")/release.sh"
build_release

echo "Release build, $(date -u +%Y-%m-%d)"
printf '| %-44s | %10s | %10s | %10s |\n' "file" "bytes" "gzip -9" "brotli 11"
printf '| %-44s | %10s | %10s | %10s |\n' "----" "-----" "-------" "---------"
for f in "$LEPTOS_SITE_ROOT"/pkg/*.wasm "$LEPTOS_SITE_ROOT"/pkg/*.js "$LEPTOS_SITE_ROOT"/pkg/*.css; do
  printf '| %-44s | %10s | %10s | %10s |\n' "$(basename "$f")" "$(wc -c < "$f")" \
    "$(wc -c < "$f.gz")" "$(wc -c < "$f.br")"
done
echo

port="${BENCH_PORT:-3199}"
serve_demo "$target_dir/release/waypoint" "$port"
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
