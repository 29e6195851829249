#!/usr/bin/env bash
# How long one phone's sync takes in a program of 30 clients and of 1,200, on SQLite and
# (with TEST_POSTGRES_URL) PostgreSQL, in a release build: the cost should follow what the
# person may see, not the size of the database. Measures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p server --example sync_bench
