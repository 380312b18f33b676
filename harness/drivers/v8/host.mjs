// wasmgauge's V8 host: the Node.js side of the `v8` driver (harness/drivers/v8/src/host.rs starts it
// with the V8 flags of one configuration). It reads one JSON request per line on stdin and
// writes one JSON reply per line on stdout: {"ok": ...} or {"err": "..."}. Every timed figure
// is measured here, in the V8 process, with process.hrtime.bigint(); a timed batch verifies
// every call's checksum against the native answer before it is counted. Components (the
// plugin world, through jco) are hosted by components.mjs (its `c_*` ops), WASI preview 1
// commands by wasi.mjs (its `w_*` ops, through node:wasi).
import { createInterface } from 'node:readline';
import vm from 'node:vm';
import { componentOps, versions } from './components.mjs';
import { wasiOps } from './wasi.mjs';

const now = process.hrtime.bigint;
const modules = new Map();
const instances = new Map();
let nextId = 1;

// The harness's host function (harness/measure/src/host.rs): wasmgauge.tick(i) = i + 1.
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
    case 4: {
      const [, , c, d] = args;
      t0 = now();
      for (let i = 0; i < iters; i++) check(f(a, b, c, d), expected);
      return now() - t0;
    }
    default:
      t0 = now();
      for (let i = 0; i < iters; i++) check(f(...args), expected);
      return now() - t0;
  }
}
// An i64 result (a BigInt) as its u64 bits, an i32 result (a Number) as its u32 bits.
function check(got, expected) {
  const bits = typeof got === 'bigint' ? BigInt.asUintN(64, got) : BigInt(got >>> 0);
  if (bits !== expected) {
    throw new Error(`wrong answer: got 0x${bits.toString(16).padStart(16, '0')}, the native answer is 0x${expected.toString(16).padStart(16, '0')}`);
  }
}

const ops = {
  describe: () => ({ node: process.version, v8: process.versions.v8, flags: process.execArgv, ...versions() }),
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
  // The batch loop with no call in it, which calibrates the loops here as the harness
  // calibrates its own (measure::sampler::Sampler::new).
  timed_empty: (r) => {
    let turns = 0;
    const t0 = now();
    for (let i = 0; i < r.iters; i++) turns++;
    const ns = now() - t0;
    if (turns !== r.iters) throw new Error('the empty batch lost count');
    return { ns: Number(ns) };
  },
  // A call-overhead export without a result (`empty`): its batch, timed here.
  timed_void: (r) => {
    const f = exported(instance(r.instance), r.export);
    const t0 = now();
    for (let i = 0; i < r.iters; i++) f();
    return { ns: Number(now() - t0) };
  },
  // The core data call (measure::engine::DataCall): per call, write the input into guest
  // memory, `invert(ptr, len)` (checksum checked), read the bytes back; the last bytes read
  // back are checked against the native ones after the batch, outside the clock.
  timed_data: (r) => {
    const inst = instance(r.instance);
    const invert = exported(inst, r.export);
    const input = new Uint8Array(Buffer.from(r.input, 'base64'));
    const expectedBytes = Buffer.from(r.expected_bytes, 'base64');
    const expected = BigInt(r.expected);
    const back = new Uint8Array(input.length);
    const [ptr, len] = [r.ptr, input.length];
    const t0 = now();
    for (let i = 0; i < r.iters; i++) {
      const mem = memory(inst);
      if (ptr + len > mem.length) throw new Error('writing guest memory: out of bounds');
      mem.set(input, ptr);
      const got = BigInt.asIntN(64, invert(ptr, len));
      if (got !== expected) throw new Error(`wrong answer: got ${got}, the native answer is ${expected}`);
      back.set(memory(inst).subarray(ptr, ptr + len));
    }
    const ns = now() - t0;
    if (Buffer.compare(Buffer.from(back.buffer), expectedBytes) !== 0) throw new Error('the bytes read back differ from the native answer');
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

// ---- The conformance session (harness/drivers/v8/src/session.rs): modules linked by name against
// `spectest` and registered instances. Values cross the JS API only as i32 Numbers, i64
// BigInts and references: a call goes through a small wrapper module built per signature that
// takes and returns floats as their bits (f32 <-> i32, f64 <-> i64) and a v128 as two i64, so
// NaN payloads and signs reach the guest and come back exactly. Export types come from V8's
// type reflection (--experimental-wasm-type-reflection). A deadline, when the session has one,
// runs each call in a `vm` script with a timeout (V8 terminates the execution, wasm included).
const registered = new Map();
const moduleOf = new Map();
const boundOf = new Map();
let deadlineMs = null;
let current = null;
const externs = new Map();
function externObject(n) {
  if (!externs.has(n)) externs.set(n, Object.freeze({ wasmgaugeExtern: n }));
  return externs.get(n);
}
let spectest = null;
function spectestModule() {
  if (spectest) return spectest;
  const print = () => {};
  spectest = {
    print, print_i32: print, print_i64: print, print_f32: print, print_f64: print, print_i32_f32: print, print_f64_f64: print,
    global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
    global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
    global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
    global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
    table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
    shared_memory: new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }),
  };
  return spectest;
}
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sandbox = {
  sleep_ms: (ms) => { Atomics.wait(sleeper, 0, 0, ms); },
  read_guest: (ptr, len) => {
    const mem = current && current.exports.memory;
    if (!(mem instanceof WebAssembly.Memory)) throw new Error('read_guest: the caller exports no memory');
    const bytes = new Uint8Array(mem.buffer);
    const start = ptr >>> 0;
    if (ptr < 0 || len < 0 || start + len > bytes.length) throw new Error('read_guest: range outside guest memory');
    let sum = 0;
    for (let i = start; i < start + len; i++) sum = (sum + bytes[i]) | 0;
    return sum;
  },
};

class Fail extends Error {
  constructor(kind, message) { super(message); this.kind = kind; }
}
function failureOf(e, phase) {
  if (e instanceof Fail) return { class: e.kind, message: e.message };
  const message = String(e && e.message ? e.message : e);
  if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { class: 'interrupted', message: `deadline passed: ${message}` };
  if (e instanceof WebAssembly.CompileError) return { class: 'compile', message };
  if (e instanceof WebAssembly.LinkError) return { class: 'link', message };
  if (e instanceof WebAssembly.Exception) return { class: 'exception', message: 'a WebAssembly exception escaped' };
  if (e instanceof RangeError && /call stack/i.test(message)) return { class: 'exhaustion', message };
  if (e instanceof RangeError) return { class: 'limit', message };
  // Instantiating against an import object without the named module or value is a link failure.
  if (e instanceof TypeError && phase === 'instantiate') return { class: 'link', message };
  return { class: 'trap', message };
}
function guarded(f) {
  if (deadlineMs === null) return f();
  return vm.runInNewContext('f()', { f }, { timeout: deadlineMs });
}

// The wrapper modules: value types, and how each crosses as bits.
const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, anyfunc: 0x70, externref: 0x6f };
function carried(t) {
  if (!(t in VALTYPE)) throw new Fail('unsupported', `a value of type ${t} cannot cross V8's JS API in this harness`);
  return t === 'f32' ? ['i32'] : t === 'f64' ? ['i64'] : t === 'v128' ? ['i64', 'i64'] : [t === 'anyfunc' ? 'funcref' : t];
}
function leb(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function vec(items) { return [...leb(items.length), ...items.flat()]; }
function section(id, body) { return [id, ...leb(body.length), ...body]; }
function name(s) { const b = [...Buffer.from(s)]; return [...leb(b.length), ...b]; }
function functype(params, results) {
  return [0x60, ...vec(params.map((t) => [VALTYPE[t]])), ...vec(results.map((t) => [VALTYPE[t]]))];
}
// Code that turns the original-typed values on the stack into their carried form, through
// locals (`first` is the index of the first scratch local; one per value).
function carryOut(types, first) {
  const code = [];
  for (let i = types.length - 1; i >= 0; i--) code.push(0x21, ...leb(first + i));
  types.forEach((t, i) => {
    const get = [0x20, ...leb(first + i)];
    if (t === 'f32') code.push(...get, 0xbc);
    else if (t === 'f64') code.push(...get, 0xbd);
    else if (t === 'v128') code.push(...get, 0xfd, 0x1d, 0x00, ...get, 0xfd, 0x1d, 0x01);
    else code.push(...get);
  });
  return code;
}
function localDecls(types) { return vec(types.map((t) => [1, VALTYPE[t]])); }
function buildModule(types, imports, locals, body) {
  const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec([leb(types.length - 1)])),
    ...section(7, vec([[...name('call'), 0x00, ...leb(imports.filter((i) => i.func).length)]])),
    ...section(10, vec([(() => { const f = [...locals, ...body, 0x0b]; return [...leb(f.length), ...f]; })()])),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}
const callWrappers = new Map();
function callWrapper(ty) {
  const key = JSON.stringify(ty);
  if (callWrappers.has(key)) return callWrappers.get(key);
  const params = ty.parameters.flatMap(carried);
  const results = ty.results.flatMap(carried);
  const body = [];
  let p = 0;
  for (const t of ty.parameters) {
    if (t === 'v128') body.push(0x20, ...leb(p), 0xfd, 0x12, 0x20, ...leb(p + 1), 0xfd, 0x1e, 0x01);
    else body.push(0x20, ...leb(p), ...(t === 'f32' ? [0xbe] : t === 'f64' ? [0xbf] : []));
    p += carried(t).length;
  }
  body.push(0x10, 0x00, ...carryOut(ty.results, params.length));
  const imports = [Object.assign([...name('m'), ...name('f'), 0x00, 0x00], { func: true })];
  const m = buildModule([functype(ty.parameters, ty.results), functype(params, results)], imports,
    localDecls(ty.results), body);
  callWrappers.set(key, m);
  return m;
}
function globalWrapper(ty) {
  const t = ty.value;
  const results = carried(t);
  const imports = [[...name('m'), ...name('g'), 0x03, VALTYPE[t], ty.mutable ? 1 : 0]];
  return buildModule([functype([], results)], imports, localDecls([t]), [0x23, 0x00, ...carryOut([t], 0)]);
}
function argOf(t, v) {
  switch (v.t) {
    case 'i32': return Number(v.v) | 0;
    case 'f32': return Number(v.v) | 0;
    case 'i64': case 'f64': return BigInt.asIntN(64, BigInt(v.v));
    case 'v128': { const x = BigInt(v.v); return [BigInt.asIntN(64, x), BigInt.asIntN(64, x >> 64n)]; }
    case 'null': return null;
    case 'extern': return externObject(v.v);
    default: throw new Fail('unsupported', `cannot pass a ${v.t} to V8 in this harness`);
  }
}
function valueOf(t, list) {
  switch (t) {
    case 'i32': return { t, v: String(list.shift() | 0) };
    case 'f32': return { t, v: String(list.shift() >>> 0) };
    case 'i64': return { t, v: String(BigInt.asIntN(64, list.shift())) };
    case 'f64': return { t, v: String(BigInt.asUintN(64, list.shift())) };
    case 'v128': { const lo = BigInt.asUintN(64, list.shift()); const hi = BigInt.asUintN(64, list.shift()); return { t, v: String((hi << 64n) | lo) }; }
    default: {
      const x = list.shift();
      if (x === null) return { t: 'null' };
      if (typeof x === 'function') return { t: 'func' };
      return { t: 'extern', v: x && typeof x.wasmgaugeExtern === 'number' ? x.wasmgaugeExtern : null };
    }
  }
}
// An export's type and its wrapper instance, made on first use and kept with the instance.
function bound(inst, kind, field) {
  const key = `${kind} ${field}`;
  const known = boundOf.get(inst);
  if (known.has(key)) return known.get(key);
  const e = WebAssembly.Module.exports(moduleOf.get(inst)).find((x) => x.name === field && x.kind === kind);
  if (!e) throw new Fail('harness', `no exported ${kind} \`${field}\``);
  const wrapper = kind === 'function'
    ? new WebAssembly.Instance(callWrapper(e.type), { m: { f: inst.exports[field] } })
    : new WebAssembly.Instance(globalWrapper(e.type), { m: { g: inst.exports[field] } });
  const b = { ty: e.type, call: wrapper.exports.call };
  known.set(key, b);
  return b;
}
function session(op) {
  return (r) => {
    try {
      return { value: op(r) };
    } catch (e) {
      return { fail: failureOf(e, r.op.slice(2)) };
    }
  };
}
Object.assign(ops, {
  // A new session in this process: its limits, and nothing left of the last one.
  s_reset: (r) => {
    deadlineMs = r.deadline_ms ?? null;
    for (const m of [modules, instances, registered, moduleOf, boundOf]) m.clear();
    spectest = null;
    current = null;
    return {};
  },
  s_compile: session((r) => {
    const m = new WebAssembly.Module(Buffer.from(r.wasm, 'base64'));
    const id = nextId++;
    modules.set(id, m);
    return id;
  }),
  s_instantiate: session((r) => {
    const m = modules.get(r.module);
    const imports = {};
    for (const imp of WebAssembly.Module.imports(m)) {
      const from = imp.module === 'spectest' ? spectestModule()
        : imp.module === 'wasmgauge_sandbox' ? sandbox
          : registered.has(imp.module) ? registered.get(imp.module).exports : undefined;
      if (from === undefined) continue;
      imports[imp.module] ??= {};
      if (imp.name in from) imports[imp.module][imp.name] = from[imp.name];
    }
    const inst = guarded(() => new WebAssembly.Instance(m, imports));
    const id = nextId++;
    instances.set(id, inst);
    moduleOf.set(inst, m);
    boundOf.set(inst, new Map());
    return id;
  }),
  s_register: session((r) => { registered.set(r.name, instance(r.instance)); return null; }),
  s_invoke: session((r) => {
    const inst = instance(r.instance);
    const { ty, call } = bound(inst, 'function', r.export);
    const args = ty.parameters.flatMap((t, i) => [argOf(t, r.args[i])].flat());
    current = inst;
    const out = guarded(() => call(...args));
    const carriedResults = ty.results.flatMap(carried);
    const list = carriedResults.length === 0 ? [] : carriedResults.length === 1 ? [out] : [...out];
    return ty.results.map((t) => valueOf(t, list));
  }),
  s_global: session((r) => {
    const inst = instance(r.instance);
    const { ty, call } = bound(inst, 'global', r.export);
    const n = carried(ty.value).length;
    const out = call();
    return valueOf(ty.value, n === 1 ? [out] : [...out]);
  }),
  s_memory: session((r) => {
    const mem = instance(r.instance).exports[r.export];
    if (!(mem instanceof WebAssembly.Memory)) throw new Fail('harness', `no exported memory \`${r.export}\``);
    const bytes = new Uint8Array(mem.buffer);
    if (r.len === undefined) return bytes.length;
    if (r.offset + r.len > bytes.length) throw new Fail('harness', 'reading guest memory: out of bounds');
    return Buffer.from(bytes.subarray(r.offset, r.offset + r.len)).toString('base64');
  }),
});

Object.assign(ops, wasiOps(modules, () => nextId++));

// node:wasi warns once that it is experimental; on this process's stderr that is noise.
process.removeAllListeners('warning');

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    const r = JSON.parse(line);
    const op = ops[r.op] ?? componentOps[r.op];
    if (!op) throw new Error(`unknown op ${r.op}`);
    reply = { ok: await op(r) };
  } catch (e) {
    reply = { err: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
