// The component host of wasmgauge's V8 driver (harness/drivers/v8/src/component.rs asks for it
// through host.mjs): a component of the `wasmgauge:plugin` world (workloads/components/wit) is
// transpiled by jco (@bytecodealliance/jco-transpile, in a Node.js process of its own with
// V8's default flags: transpile.mjs) into core modules and JavaScript glue in instantiation
// mode; this configuration's V8 compiles the core modules and evaluates the glue; each instance
// gets a fresh, sandboxed WASI 0.2 context from @bytecodealliance/preview2-shim (no preopens,
// no environment, no network) and the host's `tick`. Timed batches run here (`c_time`,
// `c_instances`), each call checked as the harness checks it (measure::component::Call): exact
// answers on every call, a string's or a list's length (and checksum) on every call, the whole
// of the last output after the batch, outside the clock.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const now = process.hrtime.bigint;
let WASIShim = null;

/// The packages' versions, read from what is installed beside this file.
export function versions() {
  const version = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  return { jco_transpile: version('@bytecodealliance/jco-transpile'), preview2_shim: version('@bytecodealliance/preview2-shim') };
}

// jco's output for `wasm` (base64) and the time transpile.mjs measured around the transpile.
function transpile(wasm) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./transpile.mjs', import.meta.url))], {
      stdio: ['pipe', 'pipe', 'inherit'],
      execArgv: [],
    });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      let reply;
      try {
        reply = JSON.parse(Buffer.concat(out).toString('utf8'));
      } catch {
        return reject(new Error(`jco's transpile process exited with ${code} and no answer`));
      }
      if (reply.err) return reject(new Error(`jco could not transpile the component: ${reply.err}`));
      const files = Object.fromEntries(Object.entries(reply.files).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
      resolve({ files, ns: BigInt(reply.ns) });
    });
    child.stdin.end(Buffer.from(wasm, 'base64'));
  });
}

const outputs = new Map(); // jco's transpiled output (file name -> bytes), kept for c_load
const compiled = new Map(); // { cores: Map(name -> WebAssembly.Module), glue }
const plugins = new Map(); // { exports, counters: Map, prepared: Map }
let nextId = 1;
let loads = 0;

// The harness's host function of the plugin world (harness/measure/src/component/reference.rs):
// tick(x) = x * 2 + 1, wrapping in u64.
const host = { tick: (x) => BigInt.asUintN(64, x * 2n + 1n) };
const sandbox = { sandbox: { preopens: {}, env: {}, args: ['plugin'], enableNetwork: false } };

// V8 compiles the core modules and evaluates the glue (a module of its own each time: the
// data: URL carries a load number, so no import is served from the module cache). Timed.
async function compileOutput(files) {
  const entry = Object.keys(files).find((f) => f.endsWith('.js'));
  if (!entry) throw new Error('jco produced no JavaScript glue');
  const source = `${Buffer.from(files[entry]).toString('utf8')}\n// wasmgauge load ${++loads}\n`;
  const url = `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  const t0 = now();
  const cores = new Map();
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith('.wasm')) cores.set(name, new WebAssembly.Module(bytes));
  }
  const glue = await import(url);
  const ns = now() - t0;
  if (typeof glue.instantiate !== 'function') throw new Error('jco\'s glue exports no `instantiate`');
  const id = nextId++;
  compiled.set(id, { cores, glue });
  return { compiled: id, ns };
}

function compiledOf(id) {
  const c = compiled.get(id);
  if (!c) throw new Error(`no compiled component ${id}`);
  return c;
}

function instantiate(c) {
  const imports = { ...new WASIShim(sandbox).getImportObject(), 'wasmgauge:plugin/host': host };
  return c.glue.instantiate((name) => c.cores.get(name), imports);
}

function pluginOf(id) {
  const p = plugins.get(id);
  if (!p) throw new Error(`no plugin instance ${id}`);
  return p;
}

function calls(p) {
  return p.exports.calls;
}

const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));
const base64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
const sameBytes = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
const picture = (p) => ({ data: bytes(p.data), width: p.width, height: p.height });
const pictureJson = (p) => ({ data: base64(p.data), width: p.width, height: p.height });
const samePicture = (a, b) => a.width === b.width && a.height === b.height && sameBytes(a.data, b.data);
const shape = (s) => (s.tag === 'nothing' ? { tag: 'nothing' } : { tag: s.tag, val: s.val });

// A result<f64, string> as {ok} or {err}: jco returns the ok value and throws the error's
// payload (a string here; a ComponentError carrying it in `payload` in other jco versions).
function areaOf(c, s) {
  try {
    return { ok: c.area(s) };
  } catch (e) {
    if (typeof e === 'string') return { err: e };
    if (e && typeof e === 'object' && typeof e.payload === 'string') return { err: e.payload };
    throw e;
  }
}

function fail(what, got, expected) {
  throw new Error(`wrong answer from ${what}: got ${got}, the native answer is ${expected}`);
}

// A prepared call: `once()` makes one call and checks what is checked on every call; `last()`
// checks the whole of the last output, after the batch.
function prepare(p, call) {
  const c = calls(p);
  const img = p.exports.image;
  switch (call.kind) {
    case 'empty':
      return { once: () => {} };
    case 'noop':
      return { once: () => c.noop() };
    case 'scalars': {
      const [a, b, x, d] = [call.a, BigInt(call.b), call.c, call.d];
      return { once: () => { const got = c.scalars(a, b, x, d); if (got !== call.expected) fail('scalars', got, call.expected); } };
    }
    case 'swap-case': {
      const text = call.text;
      let out = '';
      return {
        once: () => { out = c.swapCase(text); if (out.length !== text.length) fail('swap-case (length)', out.length, text.length); },
        last: () => { if (out !== call.expected) throw new Error('swap-case\'s text differs from the native answer'); },
      };
    }
    case 'invert': {
      const data = bytes(call.data);
      const expected = bytes(call.expected);
      const sum = BigInt(call.sum);
      let out = null;
      return {
        once: () => {
          const [got, back] = c.invert(data);
          if (got !== sum || back.length !== data.length) fail('invert', `checksum ${got} and ${back.length} bytes`, `${sum} and ${data.length}`);
          out = back;
        },
        last: () => { if (!sameBytes(out, expected)) throw new Error('invert\'s bytes differ from the native answer'); },
      };
    }
    case 'mirror': {
      const point = call.point;
      const e = call.expected;
      return {
        once: () => {
          const got = c.mirror(point);
          if (got.x !== e.x || got.y !== e.y || got.label !== e.label) fail('mirror', JSON.stringify(got), JSON.stringify(e));
        },
      };
    }
    case 'area': {
      const s = shape(call.shape);
      const e = call.expected;
      return {
        once: () => {
          const got = areaOf(c, s);
          if (got.ok !== e.ok || got.err !== e.err) fail('area', JSON.stringify(got), JSON.stringify(e));
        },
      };
    }
    case 'counter-lifetime': {
      const [start, add, expected] = [BigInt(call.start), BigInt(call.add), BigInt(call.expected)];
      return {
        once: () => {
          const counter = new c.Counter(start);
          const got = counter.add(add);
          counter[Symbol.dispose]();
          if (got !== expected) fail('counter.add', got, expected);
        },
      };
    }
    case 'counter-add': {
      const counter = p.counters.get(call.counter);
      if (!counter) throw new Error(`no live counter ${call.counter}`);
      let value = BigInt(call.start);
      return {
        once: () => { const got = counter.add(1n); value += 1n; if (got !== value) fail('counter.add', got, value); },
      };
    }
    case 'call-host': {
      const [n, expected] = [call.n, BigInt(call.expected)];
      return { once: () => { const got = c.callHost(n); if (got !== expected) fail('call-host', got, expected); } };
    }
    case 'grayscale': case 'resize': {
      const image = picture(call.image);
      const expected = picture(call.expected);
      const [w, h] = call.size ?? [image.width, image.height];
      const f = call.kind === 'grayscale' ? () => img.grayscale(image) : () => img.resize(image, w, h);
      let out = null;
      return {
        once: () => {
          out = f();
          if (out.width !== w || out.height !== h || out.data.length !== expected.data.length) fail(call.kind, `${out.width}x${out.height}`, `${w}x${h}`);
        },
        last: () => { if (!samePicture(out, expected)) throw new Error(`${call.kind}'s pixels differ from the native answer`); },
      };
    }
    default:
      throw new Error(`unknown call ${call.kind}`);
  }
}

export const componentOps = {
  // Transpile (jco, in its own process), then compile the core modules and evaluate the glue;
  // `ns` is all of it, `transpile_ns` the first part. The output is kept: `c_load` compiles
  // from it again.
  c_compile: async (r) => {
    if (!WASIShim) ({ WASIShim } = await import('@bytecodealliance/preview2-shim/instantiation'));
    const out = await transpile(r.wasm);
    const output = nextId++;
    outputs.set(output, out.files);
    const c = await compileOutput(out.files);
    return { compiled: c.compiled, output, ns: Number(out.ns + c.ns), transpile_ns: Number(out.ns) };
  },
  c_load: async (r) => {
    const files = outputs.get(r.output);
    if (!files) throw new Error(`no transpiled output ${r.output}`);
    const c = await compileOutput(files);
    return { compiled: c.compiled, ns: Number(c.ns) };
  },
  c_instantiate: (r) => {
    const exports = instantiate(compiledOf(r.compiled));
    if (!exports.calls) throw new Error('the component does not export wasmgauge:plugin/calls');
    const id = nextId++;
    plugins.set(id, { exports, counters: new Map(), prepared: new Map() });
    return { plugin: id };
  },
  c_instances: (r) => {
    const c = compiledOf(r.compiled);
    let t0;
    if (r.first_call) {
      t0 = now();
      for (let i = 0; i < r.iters; i++) instantiate(c).calls.noop();
    } else {
      t0 = now();
      for (let i = 0; i < r.iters; i++) instantiate(c);
    }
    return { ns: Number(now() - t0) };
  },
  // One untimed call through the bindings (what the harness asks outside the clock).
  c_call: (r) => {
    const p = pluginOf(r.plugin);
    const c = calls(p);
    const a = r.args ?? {};
    switch (r.fn) {
      case 'noop': c.noop(); return null;
      case 'scalars': return c.scalars(a.a, BigInt(a.b), a.c, a.d);
      case 'swap-case': return c.swapCase(a.text);
      case 'invert': { const [sum, back] = c.invert(bytes(a.data)); return { sum: String(sum), data: base64(back) }; }
      case 'mirror': return c.mirror(a.point);
      case 'area': return areaOf(c, shape(a.shape));
      case 'counter-new': { const id = nextId++; p.counters.set(id, new c.Counter(BigInt(a.start))); return id; }
      case 'counter-add': {
        const counter = p.counters.get(a.counter);
        if (!counter) throw new Error(`no live counter ${a.counter}`);
        return String(counter.add(BigInt(a.n)));
      }
      case 'counter-drop': {
        const counter = p.counters.get(a.counter);
        if (!counter) throw new Error(`no live counter ${a.counter}`);
        counter[Symbol.dispose]();
        p.counters.delete(a.counter);
        return null;
      }
      case 'call-host': return String(c.callHost(a.n));
      case 'grayscale': return pictureJson(p.exports.image.grayscale(picture(a.image)));
      case 'resize': return pictureJson(p.exports.image.resize(picture(a.image), a.width, a.height));
      default: throw new Error(`unknown function ${r.fn}`);
    }
  },
  c_prepare: (r) => {
    const p = pluginOf(r.plugin);
    const id = nextId++;
    p.prepared.set(id, prepare(p, r.call));
    return { prepared: id };
  },
  c_time: (r) => {
    const call = pluginOf(r.plugin).prepared.get(r.prepared);
    if (!call) throw new Error(`no prepared call ${r.prepared}`);
    const once = call.once;
    const t0 = now();
    for (let i = 0; i < r.iters; i++) once();
    const ns = now() - t0;
    if (call.last) call.last();
    return { ns: Number(ns) };
  },
  c_drop: (r) => { plugins.delete(r.plugin); return {}; },
  c_drop_compiled: (r) => { compiled.delete(r.compiled); return {}; },
};
