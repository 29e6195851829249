#!/usr/bin/env bash
# Runs the browser tests against the real server on a fresh, seeded SQLite database.
# WAYPOINT_BIN names the server binary (a development build: the demo sign-in route is
# compiled out of release builds).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${WAYPOINT_BIN:?set WAYPOINT_BIN to the waypoint binary}"
port="${E2E_PORT:-3100}"
data="$(mktemp -d)"
export DATABASE_URL="sqlite:$data/e2e.db"
export WAYPOINT_ADDR="127.0.0.1:$port"
# Passkeys need a domain name, and localhost is one browsers trust without TLS.
export WAYPOINT_PUBLIC_URL="http://localhost:$port"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export RUST_LOG="${RUST_LOG:-warn}"

"$bin" seed-demo
"$bin" serve > "$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$data/server.log"; exit 1; }

cd end2end
export PROBLEMS_LOG="$data/problems.log"
if ! BASE_URL="$WAYPOINT_PUBLIC_URL" npx playwright test "$@" 2>&1 | tee "$data/playwright.log"; then
  echo "--- server log ---"; tail -n 50 "$data/server.log"
  echo "--- problems the pages had (console errors, failed requests) ---"
  cat "$PROBLEMS_LOG" 2>/dev/null || echo "none"
  # Again last, where a CI log's tail shows it: which tests failed, and why.
  echo "--- failed tests ---"
  grep -E -A 12 '^\s+[0-9]+\) ' "$data/playwright.log" | tail -n 60 || true
  exit 1
fi
