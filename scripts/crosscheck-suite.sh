#!/usr/bin/env bash
# Cross-checks the suite figures of wasmtime-cranelift (Sightglass's protocol: bench.start to
# bench.end) with an outside embedding of Wasmtime: the `wasmtime` package from PyPI (Wasmtime's
# C API with its own wasmtime-wasi, in a venv under the target directory) runs each benchmark of
# the results file's suite the same way (its directory copied and preopened as `.`, bench.start
# and bench.end as host functions reading time.perf_counter_ns), checks its stdout against the
# expected file, and prints the median of 5 runs beside the results file's figure.
# Usage: scripts/crosscheck-suite.sh [RESULTS.json] (default: the newest results/*.json with a suite).
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-$(grep -l '"suite"' $(ls -t results/*.json) | head -n 1)}"
venv="${CARGO_TARGET_DIR:-target}/crosscheck-venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "wasmtime==50.0.1"
fi
"$venv/bin/python" - "$results" <<'PY'
import json, os, shutil, statistics, sys, tempfile, time
import wasmtime
results = sys.argv[1]
cells = json.load(open(results))["scenarios"].get("suite", {}).get("cells", [])
ours = [c for c in cells if c["engine"] == "wasmtime-cranelift" and c["status"] == "ok"]
if not ours:
    sys.exit(f"no suite cells of wasmtime-cranelift in {results}")
engine = wasmtime.Engine()

def run(bench, module):
    work = tempfile.mkdtemp()
    shutil.copytree(bench["dir"], work, dirs_exist_ok=True)
    for root, dirs, files in os.walk(work):
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    cfg = wasmtime.WasiConfig()
    cfg.argv = [os.path.basename(bench["wasm"])]
    cfg.stdout_file = work + "/.stdout"
    cfg.stderr_file = work + "/.stderr"
    cfg.preopen_dir(work, ".")
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    marks = []
    mark = lambda: marks.append(time.perf_counter_ns())
    linker.define_func("bench", "start", wasmtime.FuncType([], []), mark)
    linker.define_func("bench", "end", wasmtime.FuncType([], []), mark)
    store = wasmtime.Store(engine)
    store.set_wasi(cfg)
    start = linker.instantiate(store, module).exports(store)["_start"]
    try:
        start(store)
    except wasmtime.ExitTrap as e:
        if e.code != 0:
            sys.exit(f"{bench['name']} exited with {e.code}")
    expected = bench.get("stdout_expected")
    if expected and open(work + "/.stdout", "rb").read() != open(expected, "rb").read():
        sys.exit(f"{bench['name']}: stdout differs from {expected}")
    shutil.rmtree(work)
    if len(marks) != 2:
        sys.exit(f"{bench['name']}: {len(marks)} bench calls")
    return marks[1] - marks[0]

print(f"{'benchmark':<16} {'wasmgauge':>12} {'wasmtime-py':>12}  ratio (bench.start to bench.end, median of 5 runs outside)")
for c in ours:
    bench = c["measurement"]["benchmark"]
    module = wasmtime.Module.from_file(engine, bench["wasm"])
    outside = statistics.median(run(bench, module) for _ in range(5))
    value = next(f["value"] for f in c["figures"] if f["metric"] == "bench")
    print(f"{c['workload']:<16} {value / 1e3:>10.1f}us {outside / 1e3:>10.1f}us  {value / outside:.2f}")
PY
