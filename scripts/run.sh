#!/usr/bin/env bash
# The main job: install what is missing, build the harness and the guest corpus, run the
# quick profile (pass other `wasmgauge run` flags through, e.g. --profile full), and say where
# the results are. Exit code is wasmgauge's (3 = the run finished but some cells failed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cargo build --release --locked -p wasmgauge
bin="${CARGO_TARGET_DIR:-target}/release/wasmgauge"

"$bin" corpus build --out corpus
"$bin" run --profile quick "$@"
echo "results: results/ (newest run-*.json); corpus: corpus/manifest.json"
