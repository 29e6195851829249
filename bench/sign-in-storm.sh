#!/usr/bin/env bash
# Sign-in storms against the release server on a fresh demo database: 300 sign-ins at once
# against one name, then against random names from random addresses (forwarded by a
# trusted proxy on the loopback). Prints the answers, the hashes run, the server's peak
# memory and what a signed-in client and /healthz waited meanwhile. Measures; asserts
# nothing.
set -euo pipefail
source "$(dirname "$0")/release.sh"
cargo build --release -p server --no-default-features >/dev/null
port="${BENCH_PORT:-3198}"
export WAYPOINT_TRUSTED_PROXIES=127.0.0.1
serve_demo "$target_dir/release/waypoint" "$port"
python3 bench/storm.py "http://127.0.0.1:$port" "$server" "$data/demo.db"
