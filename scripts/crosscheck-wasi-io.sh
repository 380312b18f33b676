#!/usr/bin/env bash
# Cross-checks the wasi-io figures of wasmtime-cranelift with an outside embedding of Wasmtime:
# the `wasmtime` package from PyPI (Wasmtime's C API with its own wasmtime-wasi, installed into a
# venv under the target directory) runs the corpus's wasi_io.wasm with K operations, reads the
# loop time the program reports on stderr (`loop_ns`, the same method as the scenario's), and
# the medians of loop_ns / K are printed beside the results file's.
# Usage: scripts/crosscheck-wasi-io.sh [RESULTS.json] [CORPUS_DIR]
# (default: the newest results/run-*.json and corpus/).
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-$(ls -t results/run-*.json | head -n 1)}"
corpus="${2:-corpus}"
venv="${CARGO_TARGET_DIR:-target}/crosscheck-venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "wasmtime==50.0.1"
fi
"$venv/bin/python" - "$results" "$corpus/wasi_io.wasm" <<'PY'
import json, statistics, sys, tempfile
import wasmtime
results, wasm = sys.argv[1], sys.argv[2]
ours = {}
for c in json.load(open(results))["scenarios"].get("wasi-io", {}).get("cells", []):
    if c["engine"] == "wasmtime-cranelift" and c["status"] == "ok":
        for f in c["figures"]:
            if f["metric"] == "ns_per_op":
                ours[c["workload"]] = (f["value"], c["measurement"]["op"])
if not ours:
    sys.exit(f"no wasi-io cells of wasmtime-cranelift in {results}")
engine = wasmtime.Engine()
module = wasmtime.Module.from_file(engine, wasm)

def run(op, size, count):
    d = tempfile.mkdtemp()
    cfg = wasmtime.WasiConfig()
    cfg.argv = ["wasi_io.wasm", "io", op, str(size), str(count), "/data"]
    cfg.stdout_file = d + "/stdout"
    cfg.stderr_file = d + "/stderr"
    cfg.preopen_dir(d, "/data")
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    store.set_wasi(cfg)
    start = linker.instantiate(store, module).exports(store)["_start"]
    try:
        start(store)
    except wasmtime.ExitTrap as e:
        if e.code != 0:
            sys.exit(f"{op} exited with {e.code}")
    loop = [l for l in open(d + "/stderr") if l.startswith("loop_ns ")]
    if not loop:
        sys.exit(f"{op}: the program reported no loop_ns")
    return int(loop[0].split()[1])

print(f"{'operation':<14} {'wasmgauge':>12} {'wasmtime-py':>12}  ratio")
for name, (value, op) in ours.items():
    k = op["count"]
    outside = statistics.median(run(op["op"], op["bytes"], k) / k for _ in range(5))
    print(f"{name:<14} {value:>10.0f}ns {outside:>10.0f}ns  {value / outside:.2f}")
PY
