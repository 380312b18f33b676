#!/usr/bin/env bash
# The checks behind instruction counts, on this machine (issue "CI numbers that do not flap"):
#   1. N counted runs of the same build (A/A; `run --measure instructions`, WORKLOADS on ENGINES):
#      per cell, the spread of the per-run medians (CV) across the N processes;
#   2. the file-mode gate on every consecutive A/A pair, in both orders: false alarms;
#   3. the paired gate on instructions, work_a.wat against work_b_1pct.wat (1% more work), PAIRED
#      times: how often it is flagged;
#   4. `history` over N runs whose last half used a corpus in which `fib` does about 5.6% more
#      work (a fib(n-6) more per call, same answer), and over the A/A runs: where changes are
#      marked.
# Usage: scripts/instruction-checks.sh [N=12] [PAIRED=10]; writes into $OUT (default
# /tmp/instruction-checks). Needs a built harness, drivers, and a corpus ($CORPUS, default corpus/).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-12}
paired=${2:-10}
out=${OUT:-/tmp/instruction-checks}
bin="${CARGO_TARGET_DIR:-target}/release/wasmgauge"
workloads=${WORKLOADS:-fib,sha256,json}
engines=${ENGINES:-wasmtime-cranelift,wasmer-cranelift,wasmi-eager,native}
corpus=${CORPUS:-corpus}
rm -rf "$out" && mkdir -p "$out/aa" "$out/planted"

# The planted corpus: the same sources with fib doing a fib(n - 6) more per call.
plant="$out/source"
mkdir -p "$plant"
cp -r crates workloads Cargo.toml Cargo.lock build-support rustfmt.toml "$plant/"
# Its own target directory (the main one's wasm artifacts stay as they are), seeded with the
# compiled C WASI programs so they are not compiled again.
main_target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$plant/target"
[[ -d "$main_target/wasmgauge-wasi-c" ]] && cp -r "$main_target/wasmgauge-wasi-c" "$plant/target/"
python3 - "$plant/workloads/rust/fib/src/lib.rs" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "    fib(u32::from_le_bytes(input[..4].try_into().expect(\"n\")))"
new = "    let n = u32::from_le_bytes(input[..4].try_into().expect(\"n\"));\n    std::hint::black_box(fib(n.saturating_sub(6)));\n    fib(n)"
assert old in s
open(p, "w").write(s.replace(old, new))
PY
CARGO_TARGET_DIR="$plant/target" "$bin" corpus build --source "$plant" --out "$out/corpus-planted" >/dev/null 2>&1

count() { # corpus out
  "$bin" run --measure instructions --corpus "$1" --workloads "$workloads" --engines "$engines" --out "$2" >/dev/null 2>&1
}
for i in $(seq -w 1 "$n"); do
  count "$corpus" "$out/aa/r$i.json"
  if ((10#$i <= n / 2)); then cp "$out/aa/r$i.json" "$out/planted/r$i.json"; else count "$out/corpus-planted" "$out/planted/r$i.json"; fi
done

echo "== 1. spread of the per-run medians over $n processes (CV, per cell)"
python3 - "$out/aa" <<'PY'
import json, glob, statistics, sys
cells = {}
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    for c in json.load(open(f))["scenarios"]["instructions"]["cells"]:
        if c["status"] == "ok":
            cells.setdefault((c["workload"], c["size"], c["engine"]), []).append(c["figures"][0]["value"])
for (w, s, e), v in sorted(cells.items()):
    cv = statistics.stdev(v) / statistics.mean(v) * 100
    print(f"{w}/{s} on {e}: {len(v)} runs, median {statistics.median(v):.0f}, CV {cv:.4f}%")
PY

echo "== 2. file-mode gate on consecutive A/A pairs, both orders"
alarms=0; pairs=0
files=("$out"/aa/*.json)
for ((k = 0; k + 1 < ${#files[@]}; k++)); do
  for order in ab ba; do
    if [[ $order == ab ]]; then b=${files[$k]}; c=${files[$((k + 1))]}; else b=${files[$((k + 1))]}; c=${files[$k]}; fi
    pairs=$((pairs + 1))
    "$bin" gate --baseline "$b" --candidate "$c" --config ci/gate.toml >/dev/null || alarms=$((alarms + 1))
  done
done
echo "false alarms: $alarms of $pairs"

echo "== 3. paired gate on instructions, 1% more work, $paired times"
flagged=0
for i in $(seq 1 "$paired"); do
  status=0
  "$bin" gate --paired --measure instructions --baseline-module workloads/gate/work_a.wat \
    --candidate-module workloads/gate/work_b_1pct.wat --export work --engines wasmtime-cranelift,wasmi-eager \
    > "$out/paired-$i.txt" || status=$?
  [[ $status -eq 1 ]] && flagged=$((flagged + 1))
done
echo "flagged: $flagged of $paired"
grep -h "instructions work on" "$out/paired-1.txt" || true

echo "== 4. history"
"$bin" history "$out/planted" --config ci/gate.toml --out "$out/history-planted" >/dev/null
echo "-- planted (fib +5.6% from run $((n / 2 + 1)) on the WebAssembly engines):"
grep '^- ' "$out/history-planted/changes.md" || echo "no change found"
"$bin" history "$out/aa" --config ci/gate.toml --out "$out/history-aa" >/dev/null
echo "-- A/A:"
grep '^- ' "$out/history-aa/changes.md" || echo "no change found"
