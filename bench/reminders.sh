#!/usr/bin/env bash
# Sends the evening reminders of a program with 10,000 clients through the Web Push
# stand-in, in a release build, on SQLite and (with TEST_POSTGRES_URL) PostgreSQL: the time
# to queue them, to deliver them all, and the peak memory. Measures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p server --example reminder_bench
