# Sourced by the benches: the release as it is deployed, and a server of it on a fresh demo
# database. Sets `root`, `target_dir` and `data` (a folder removed on exit).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/end2end/node_modules/.bin:$PATH"   # wasm-opt from npm's binaryen
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
data=$(mktemp -d)
server=""
on_exit() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null
  [[ -n "${BENCH_KEEP:-}" ]] && cp "$data"/*.json "$BENCH_KEEP"/ 2>/dev/null
  rm -rf "$data"
}
trap on_exit EXIT

# The wasm each bundle's build writes (before wasm-bindgen and wasm-opt); the two builds
# write it to one place.
raw_wasm="$target_dir/front/wasm32-unknown-unknown/wasm-release/app.wasm"

# The server and both bundles, precompressed; each bundle's wasm before wasm-opt kept in
# `$data` as client.wasm and staff.wasm.
build_release() {
  cargo leptos build --release >/dev/null
  cp "$raw_wasm" "$data/client.wasm"
  .ci/build-staff.sh --release >/dev/null
  cp "$raw_wasm" "$data/staff.wasm"
  .ci/precompress.sh "$LEPTOS_SITE_ROOT" >/dev/null
}

# Starts `$1` (the waypoint binary) on port `$2` over a fresh demo database, and waits until
# it answers.
serve_demo() {
  export DATABASE_URL="sqlite:$data/demo.db" WAYPOINT_ADDR="127.0.0.1:$2" RUST_LOG=warn
  export WAYPOINT_PUBLIC_URL="http://localhost:$2"
  "$1" seed-demo >/dev/null
  "$1" serve >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return; sleep 0.2; done
  cat "$data/server.log" >&2
  return 1
}
