#!/usr/bin/env bash
# The release server under load (wrk): requests per second, p50 and p99 and peak memory for
# a phone's unchanged and changed sync, a client's page, a case manager's record and a
# check-in, on SQLite and (with TEST_POSTGRES_URL) PostgreSQL with one and two instances
# behind nginx; then all of it again with 1,000 and 100,000 clients in the database.
# Measures; asserts nothing. Most of its time is seeding 100,000 clients with a year of
# history: 38 minutes and 17 GB on SQLite; BENCH_SCALE_ENGINES=sqlite leaves out
# PostgreSQL's, not yet timed.
set -euo pipefail
source "$(dirname "$0")/release.sh"
.ci/tools.sh bench
cargo build --release -p server --no-default-features >/dev/null
python3 bench/load.py "$target_dir/release/waypoint" "$data"
