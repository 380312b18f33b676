// wasmgauge's V8 host: the Node.js side of the `v8` driver (drivers/v8/src/host.rs starts it
// with the V8 flags of one configuration). It reads one JSON request per line on stdin and
// writes one JSON reply per line on stdout: {"ok": ...} or {"err": "..."}. Every timed figure
// is measured here, in the V8 process, with process.hrtime.bigint(); a timed batch verifies
// every call's checksum against the native answer before it is counted.
import { createInterface } from 'node:readline';

const now = process.hrtime.bigint;
const modules = new Map();
const instances = new Map();
let nextId = 1;

// The harness's host function (crates/measure/src/host.rs): wasmgauge.tick(i) = i + 1.
const imports = { wasmgauge: { tick: (i) => (i + 1) | 0 } };

const scratch = new DataView(new ArrayBuffer(8));
function toJs(v) {
  switch (v.t) {
    case 'i32': return Number(v.v) | 0;
    case 'i64': return BigInt.asIntN(64, BigInt(v.v));
    case 'f32': scratch.setUint32(0, Number(v.v)); return scratch.getFloat32(0);
    case 'f64': scratch.setBigUint64(0, BigInt(v.v)); return scratch.getFloat64(0);
    default: throw new Error(`unknown value type ${v.t}`);
  }
}
function fromJs(t, x) {
  switch (t) {
    case 'i32': return { t, v: String(Number(x) | 0) };
    case 'i64': return { t, v: String(BigInt.asIntN(64, BigInt(x))) };
    case 'f32': scratch.setFloat32(0, x); return { t, v: String(scratch.getUint32(0)) };
    case 'f64': scratch.setFloat64(0, x); return { t, v: String(scratch.getBigUint64(0)) };
    default: throw new Error(`unknown value type ${t}`);
  }
}

function instance(id) {
  const i = instances.get(id);
  if (!i) throw new Error(`no instance ${id}`);
  return i;
}
function exported(inst, name) {
  const f = inst.exports[name];
  if (typeof f !== 'function') throw new Error(`no exported function \`${name}\``);
  return f;
}
function memory(inst) {
  const m = inst.exports.memory;
  if (!(m instanceof WebAssembly.Memory)) throw new Error('module exports no `memory`');
  return new Uint8Array(m.buffer);
}

function timed(f, args, iters, expected) {
  const [a, b] = args;
  let t0;
  switch (args.length) {
    case 0:
      t0 = now();
      for (let i = 0; i < iters; i++) check(f(), expected);
      return now() - t0;
    case 1:
      t0 = now();
      for (let i = 0; i < iters; i++) check(f(a), expected);
      return now() - t0;
    case 2:
      t0 = now();
      for (let i = 0; i < iters; i++) check(f(a, b), expected);
      return now() - t0;
    default:
      t0 = now();
      for (let i = 0; i < iters; i++) check(f(...args), expected);
      return now() - t0;
  }
}
function check(got, expected) {
  if (BigInt.asUintN(64, got) !== expected) {
    throw new Error(`wrong answer: got 0x${BigInt.asUintN(64, got).toString(16).padStart(16, '0')}, the native answer is 0x${expected.toString(16).padStart(16, '0')}`);
  }
}

const ops = {
  describe: () => ({ node: process.version, v8: process.versions.v8, flags: process.execArgv }),
  compile: (r) => {
    const bytes = Buffer.from(r.wasm, 'base64');
    const t0 = now();
    const m = new WebAssembly.Module(bytes);
    const ns = now() - t0;
    const id = nextId++;
    modules.set(id, m);
    return { module: id, ns: Number(ns) };
  },
  instantiate: (r) => {
    const m = modules.get(r.module);
    if (!m) throw new Error(`no module ${r.module}`);
    const t0 = now();
    const inst = new WebAssembly.Instance(m, imports);
    const ns = now() - t0;
    const id = nextId++;
    instances.set(id, inst);
    return { instance: id, ns: Number(ns) };
  },
  call: (r) => {
    const f = exported(instance(r.instance), r.export);
    const out = f(...r.args.map(toJs));
    const list = r.results.length === 0 ? [] : r.results.length === 1 ? [out] : out;
    return { results: r.results.map((t, i) => fromJs(t, list[i])) };
  },
  timed: (r) => {
    const f = exported(instance(r.instance), r.export);
    const ns = timed(f, r.args.map(toJs), r.iters, BigInt(r.expected));
    return { ns: Number(ns) };
  },
  write: (r) => {
    const mem = memory(instance(r.instance));
    const data = Buffer.from(r.data, 'base64');
    if (r.offset + data.length > mem.length) throw new Error('writing guest memory: out of bounds');
    mem.set(data, r.offset);
    return {};
  },
  read: (r) => {
    const mem = memory(instance(r.instance));
    if (r.offset + r.len > mem.length) throw new Error('reading guest memory: out of bounds');
    return { data: Buffer.from(mem.subarray(r.offset, r.offset + r.len)).toString('base64') };
  },
  drop: (r) => {
    instances.delete(r.instance);
    return {};
  },
  drop_module: (r) => {
    modules.delete(r.module);
    return {};
  },
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    const r = JSON.parse(line);
    const op = ops[r.op];
    if (!op) throw new Error(`unknown op ${r.op}`);
    reply = { ok: op(r) };
  } catch (e) {
    reply = { err: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
