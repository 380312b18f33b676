#!/usr/bin/env bash
# The test job: formatting, lints, then every test of the workspace (unit tests beside the code,
# integration tests in harness/tests). Release profile, so the runtimes are built once and shared
# with scripts/run.sh. Installs headless Chromium for the report's browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser

cargo fmt --all --check
cargo clippy --release --locked --workspace --all-targets -- -D warnings
cargo test --release --locked --workspace
