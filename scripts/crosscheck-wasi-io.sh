#!/usr/bin/env bash
# Cross-checks the wasi-io figures of wasmtime-cranelift with an outside embedding of Wasmtime:
# the `wasmtime` package from PyPI (Wasmtime's C API with its own wasmtime-wasi, installed into a
# venv under the target directory) runs the corpus's wasi_io.wasm with K and 2K operations, the
# same difference method, and the medians are printed beside the results file's.
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
import json, statistics, sys, tempfile, time
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
    cfg.preopen_dir(d, "/data")
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    store.set_wasi(cfg)
    start = linker.instantiate(store, module).exports(store)["_start"]
    t = time.perf_counter_ns()
    try:
        start(store)
    except wasmtime.ExitTrap as e:
        if e.code != 0:
            sys.exit(f"{op} exited with {e.code}")
    return time.perf_counter_ns() - t

print(f"{'operation':<14} {'wasmgauge':>12} {'wasmtime-py':>12}  ratio")
for name, (value, op) in ours.items():
    k = op["count"]
    diffs = [(run(op["op"], op["bytes"], 2 * k) - run(op["op"], op["bytes"], k)) / k for _ in range(5)]
    outside = statistics.median(diffs)
    print(f"{name:<14} {value:>10.0f}ns {outside:>10.0f}ns  {value / outside:.2f}")
PY
