#!/usr/bin/env bash
# The layering check (part of scripts/test.sh): crates depend only on the layers below them, no
# crate but a driver names a runtime crate, and no crate has an import circle between modules.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release --locked --quiet -p wasmgauge-layers -- "$PWD"
