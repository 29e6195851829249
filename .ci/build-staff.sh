#!/usr/bin/env bash
# Builds the staff bundle beside the client bundle that `cargo leptos build` made: the same
# app crate with the `staff` feature (see `bundle_pages` in app/src/lib.rs), through
# wasm-bindgen and, for a release, wasm-opt as cargo-leptos runs them; its files named with a
# hash of their content, and those hashes in `staff-hash.txt` beside the server binary, where
# the server finds them (app/src/bundle.rs).
#   .ci/build-staff.sh [--release]      (after `cargo leptos build [--release]`)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
release=false
[[ "${1:-}" == --release ]] && release=true
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
site="${LEPTOS_SITE_ROOT:-target/site}"
name=waypoint-staff

# What cargo-leptos sets for its own build of the crate, so that the two builds share every
# compiled dependency.
export LEPTOS_OUTPUT_NAME=waypoint LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app LEPTOS_BIN_DIR=server \
  LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt
if $release; then
  profile=wasm-release bin_dir=release
else
  profile=dev bin_dir=debug
fi
cargo build --package=app --lib --target-dir="$target_dir/front" --target=wasm32-unknown-unknown \
  --no-default-features --features=staff --profile="$profile"
wasm_dir=$([[ $profile == dev ]] && echo debug || echo "$profile")

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target=web --out-name="$name" --out-dir="$out" \
  "$target_dir/front/wasm32-unknown-unknown/$wasm_dir/app.wasm"
if $release; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
fi

hash() {
  python3 -c 'import base64, hashlib, sys
print(base64.urlsafe_b64encode(hashlib.sha256(open(sys.argv[1], "rb").read()).digest()[:16]).decode().rstrip("="))' "$1"
}
js_hash=$(hash "$out/$name.js")
wasm_hash=$(hash "$out/${name}_bg.wasm")
mkdir -p "$site/pkg"
rm -f "$site/pkg/$name".*
# The script is told where its wasm is when it is started, so both can be renamed.
cp "$out/$name.js" "$site/pkg/$name.$js_hash.js"
cp "$out/${name}_bg.wasm" "$site/pkg/$name.$wasm_hash.wasm"
[[ -d "$out/snippets" ]] && cp -r "$out/snippets" "$site/pkg/"
mkdir -p "$target_dir/$bin_dir"
printf 'js: %s\nwasm: %s\n' "$js_hash" "$wasm_hash" > "$target_dir/$bin_dir/staff-hash.txt"
echo "staff bundle: $site/pkg/$name.$wasm_hash.wasm ($(wc -c < "$site/pkg/$name.$wasm_hash.wasm") bytes)"
