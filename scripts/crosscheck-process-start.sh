#!/usr/bin/env bash
# Cross-checks wasmgauge's process cold start of the `subprocess` baseline with hyperfine:
# runs hyperfine (no shell, -N) on the exact command recorded in a results file and compares
# the two medians. Usage: scripts/crosscheck-process-start.sh [RESULTS.json] [WORKLOAD]
# (default: the newest results/run-*.json, workload sha256). Installs hyperfine with apt-get if
# it is missing. Exit 1 when the medians differ by more than 10%.
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-$(ls -t results/run-*.json | head -n 1)}"
workload="${2:-sha256}"
if ! command -v hyperfine >/dev/null; then
  apt-get update -qq && apt-get install -y -qq hyperfine
fi
read -r ours cmd < <(python3 - "$results" "$workload" <<'PY'
import json, shlex, sys
d = json.load(open(sys.argv[1]))
cells = [p for p in d["scenarios"]["cold_start"]["process"] if p["engine"] == "subprocess" and p["workload"] == sys.argv[2]]
if not cells or not cells[0].get("summary"):
    sys.exit(f"no measured subprocess process start for {sys.argv[2]} in {sys.argv[1]}")
print(cells[0]["summary"]["median"]["value"], shlex.join(cells[0]["command"]))
PY
)
out=$(mktemp)
hyperfine -N --warmup 5 --runs 200 --export-json "$out" "$cmd" >/dev/null
python3 - "$out" "$ours" "$cmd" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["results"][0]
theirs, ours = h["median"] * 1e9, float(sys.argv[2])
diff = ours / theirs - 1
print(f"command: {sys.argv[3]}")
print(f"wasmgauge median {ours/1e6:.3f} ms, hyperfine median {theirs/1e6:.3f} ms (mean {h['mean']*1e3:.3f} ms +- {h['stddev']*1e3:.3f}), difference {diff:+.1%}")
sys.exit(0 if abs(diff) <= 0.10 else 1)
PY
