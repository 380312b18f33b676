#!/usr/bin/env bash
# Do the intervals hold on a rerun? Runs the quick throughput matrix N times in a row (default
# 5; engines wasmtime-cranelift, wasmer-cranelift, wasmi-eager, native) and prints, for every
# pair of runs, the share of cells whose rerun estimate (time per call, ratio to native, engine
# geomean) lies inside the first run's 95% interval (`wasmgauge coverage`).
# Usage: scripts/interval-coverage.sh [N=5] [ENGINES] [OUT_DIR]
# (CORPUS=DIR uses a corpus built before instead of building one into OUT_DIR/corpus.)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5}"
engines="${2:-wasmtime-cranelift,wasmer-cranelift,wasmi-eager,native}"
out="${3:-$(mktemp -d /tmp/interval-coverage.XXXXXX)}"
bin="${CARGO_TARGET_DIR:-target}/release/wasmgauge"
cargo build --release --locked -p wasmgauge --quiet
read -r -a drivers <<<"$("$bin" drivers --engines "$engines")"
scripts/build-drivers.sh "${drivers[@]}" >/dev/null
mkdir -p "$out"
corpus="${CORPUS:-$out/corpus}"
[[ -f "$corpus/manifest.json" ]] || "$bin" corpus build --out "$corpus" >/dev/null
files=()
for i in $(seq 1 "$n"); do
  "$bin" run --profile quick --scenarios throughput --engines "$engines" --corpus "$corpus" \
    --out "$out/run-$i.json" >/dev/null 2>"$out/run-$i.log"
  echo "run $i of $n: $(tail -n 1 "$out/run-$i.log")"
  files+=("$out/run-$i.json")
done
"$bin" coverage "${files[@]}"
