# The two commands in the README:
#   make run    builds Waypoint and serves the demo on SQLite at http://localhost:3000
#   make test   runs every check and test: format, lints, unit, database, browser
# Both install what they need first (see .ci/tools.sh) and skip what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

# Where cargo puts its output (CARGO_TARGET_DIR if set).
TARGET_DIR = $(shell cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export LEPTOS_SITE_ROOT ?= target/site
DEMO_DATABASE_URL ?= sqlite:data/demo.db
# A domain name (not 127.0.0.1), so that passkeys work on the demo.
DEMO_PUBLIC_URL ?= http://localhost:3000

.PHONY: run test tools tools-test build lint unit e2e bench

tools:
	@.ci/tools.sh build

tools-test:
	@.ci/tools.sh test

# cargo-leptos builds the server and the client bundle; the staff bundle is built beside it.
build: tools
	cargo leptos build
	.ci/build-staff.sh

run: build
	DATABASE_URL=$(DEMO_DATABASE_URL) $(TARGET_DIR)/debug/waypoint seed-demo
	@echo "Waypoint demo: open http://localhost:3000/sign-in (every demo passphrase: riverside demo)"
	DATABASE_URL=$(DEMO_DATABASE_URL) WAYPOINT_PUBLIC_URL=$(DEMO_PUBLIC_URL) $(TARGET_DIR)/debug/waypoint serve

lint:
	cargo fmt --all -- --check
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p app --features client --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p app --features staff --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test -p app --features ssr
	cargo test -p server

e2e:
	cargo leptos build
	.ci/build-staff.sh
	WAYPOINT_BIN=$(TARGET_DIR)/debug/waypoint end2end/run.sh

test: tools-test lint unit e2e

bench:
	@.ci/tools.sh bench
	bench/size.sh
