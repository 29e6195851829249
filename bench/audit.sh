#!/usr/bin/env bash
# Audited record reads per second with the case managers of 1 and of 20 organisations
# reading at once, in a release build, on SQLite and (with TEST_POSTGRES_URL) PostgreSQL.
# Measures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p server --example audit_bench
