#!/usr/bin/env bash
# Measures the paired gate's error rates on this machine: N A/A comparisons (work_a vs itself:
# any failure is a false alarm) and N comparisons with a candidate doing exactly 10% more work
# (work_b_10pct: each pass is a miss). A comparison counts as one verdict over all engine
# configurations given (default: every WebAssembly configuration).
# Usage: scripts/gate-false-alarms.sh [N=10] [ENGINES]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10}"
engines="${2:-}"
bin="${CARGO_TARGET_DIR:-target}/release/wasmgauge"
cargo build --release --locked -p wasmgauge --quiet
read -r -a drivers <<<"$("$bin" drivers ${engines:+--engines "$engines"})"
scripts/build-drivers.sh "${drivers[@]}" >/dev/null
extra=()
[[ -n "$engines" ]] && extra=(--engines "$engines")
gate() {
  "$bin" gate --paired --baseline-module workloads/gate/work_a.wat --candidate-module "workloads/gate/$1" \
    --export work "${extra[@]}" > "$2" 2>&1
}
false_alarms=0; flagged=0
for i in $(seq 1 "$n"); do
  if gate work_a.wat /tmp/gate-aa-$i.txt; then echo "A/A $i: pass"; else false_alarms=$((false_alarms + 1)); echo "A/A $i: FALSE ALARM"; grep -E "REGRESSED|IMPROVED" /tmp/gate-aa-$i.txt || true; fi
  status=0; gate work_b_10pct.wat /tmp/gate-ab-$i.txt || status=$?
  if [[ $status -eq 1 ]]; then flagged=$((flagged + 1)); echo "+10% $i: flagged ($(grep -c REGRESSED /tmp/gate-ab-$i.txt) engine configurations)"; else echo "+10% $i: MISSED (exit $status)"; fi
done
echo "A/A false alarms: $false_alarms of $n; +10% work flagged: $flagged of $n"
