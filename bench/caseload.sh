#!/usr/bin/env bash
# How long the caseload takes to put together for a case manager with 200 clients, on
# SQLite and (with TEST_POSTGRES_URL) PostgreSQL, in a release build. Measures; asserts
# nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p server --example caseload_bench
