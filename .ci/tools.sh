#!/usr/bin/env bash
# Installs what building and testing Waypoint needs, skipping whatever is already there at
# the right version, so a second run takes seconds.
#   .ci/tools.sh build   wasm target, cargo-leptos, wasm-bindgen CLI
#   .ci/tools.sh test    all of the above, plus wasm-opt, Chromium and the npm packages
#   .ci/tools.sh bench   all of the above, plus twiggy (where the wasm's bytes go)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# cargo-leptos's locked dependencies need a newer compiler than the project's own.
TOOL_TOOLCHAIN=1.96.0
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
mode=${1:-build}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# rust-toolchain.toml names the toolchain and the wasm target; rustup fetches both on first use.
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

tool_toolchain() {
  rustup toolchain list | grep -q "^${TOOL_TOOLCHAIN}-" || rustup toolchain install "$TOOL_TOOLCHAIN" --profile minimal
}

if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
  tool_toolchain
  # A build tool, not a hot path: a lighter release profile takes it from 45 to about 20 minutes here.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo "+$TOOL_TOOLCHAIN" install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  tool_toolchain
  # Not --locked: the registry lacks one of its locked dependency versions.
  cargo "+$TOOL_TOOLCHAIN" install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

[[ "$mode" == test || "$mode" == bench ]] || exit 0

# Chromium for the browser tests, brotli for the size table of `make bench`.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v brotli >/dev/null 2>&1 || missing+=(brotli)
# nginx for the test of two instances behind a reverse proxy.
[[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
# wrk, the load generator of bench/load.sh.
[[ "$mode" == bench ]] && ! command -v wrk >/dev/null 2>&1 && missing+=(wrk)
if (( ${#missing[@]} )); then
  say "installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages for the browser tests and wasm-opt (binaryen): reinstalled only when the
# lock file changes.
stamp=end2end/node_modules/.lock-stamp
lock_sum=$(sha256sum end2end/package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  say "installing npm packages for the browser tests"
  (cd end2end && npm ci --no-audit --no-fund)
  echo "$lock_sum" > "$stamp"
fi

[[ "$mode" == bench ]] || exit 0

TWIGGY_VERSION=0.8.0
if [[ "$(twiggy --version 2>/dev/null || true)" != *"$TWIGGY_VERSION"* ]]; then
  say "installing twiggy $TWIGGY_VERSION (about 3 minutes, once)"
  tool_toolchain
  cargo "+$TOOL_TOOLCHAIN" install twiggy --version "$TWIGGY_VERSION"
fi
