// The WASI preview 1 layer of the `v8` driver (harness/drivers/v8/src/wasi.rs): node:wasi runs a
// command module's `_start`, with Sightglass's benchmark protocol (`bench.start`, `bench.end`)
// bound beside it. Every phase is timed here with process.hrtime.bigint(): instantiate (the
// streams opened, a fresh WASI context, the instance), start (`_start` to its return or
// `proc_exit`) and the benchmark region, which is also checked here (each import exactly once,
// in order; the messages are those of measure::wasi::BenchRegion).
import { WASI } from 'node:wasi';
import fs from 'node:fs';

const now = process.hrtime.bigint;

// A fresh region per instance; its imports throw (a trap in the guest) when called out of order.
function benchRegion() {
  const region = { opened: false, t0: 0n, ns: null };
  region.imports = {
    start: () => {
      if (region.opened) throw new Error('bench.start was called a second time (the protocol calls it exactly once)');
      region.opened = true;
      region.t0 = now();
    },
    end: () => {
      const t = now();
      if (!region.opened) throw new Error('bench.end was called before bench.start');
      if (region.ns !== null) throw new Error('bench.end was called a second time (the protocol calls it exactly once)');
      region.ns = t - region.t0;
    },
  };
  return region;
}

// `modules` is the host's map of compiled modules; `newId` hands out the host's ids.
export function wasiOps(modules, newId) {
  const ready = new Map();
  const release = (id) => {
    const r = ready.get(id);
    if (!r) return;
    ready.delete(id);
    for (const fd of r.fds) fs.closeSync(fd);
  };
  return {
    // A fresh WASI context and instance: arguments, environment, preopens (guest path -> host
    // directory) and the streams' files; without files, no stdin and the output discarded
    // (never this process's own streams, which carry the protocol).
    w_instantiate: (r) => {
      const m = modules.get(r.module);
      if (!m) throw new Error(`no module ${r.module}`);
      const fds = [];
      const t0 = now();
      try {
        const open = (path, flags) => { const fd = fs.openSync(path, flags); fds.push(fd); return fd; };
        const s = r.stdio;
        const stdin = open(s && s.stdin ? s.stdin : '/dev/null', 'r');
        const stdout = open(s ? s.stdout : '/dev/null', 'w');
        const stderr = open(s ? s.stderr : '/dev/null', 'w');
        const wasi = new WASI({
          version: 'preview1',
          args: r.args,
          env: Object.fromEntries(r.env),
          preopens: Object.fromEntries(r.preopens.map((p) => [p.guest, p.host])),
          stdin, stdout, stderr,
          returnOnExit: true,
        });
        const bench = benchRegion();
        const instance = new WebAssembly.Instance(m, { ...wasi.getImportObject(), bench: bench.imports });
        const ns = now() - t0;
        const id = newId();
        ready.set(id, { wasi, instance, bench, fds });
        return { ready: id, ns: Number(ns) };
      } catch (e) {
        for (const fd of fds) fs.closeSync(fd);
        throw e;
      }
    },
    // `_start`: an exit code (returned: 0, or `proc_exit(n)`), or the trap's message.
    w_start: (r) => {
      const it = ready.get(r.ready);
      if (!it) throw new Error(`no WASI instance ${r.ready}`);
      let code = null;
      let error = null;
      const t0 = now();
      try {
        code = it.wasi.start(it.instance);
      } catch (e) {
        error = String(e && e.message ? e.message : e);
      }
      const ns = now() - t0;
      release(r.ready);
      const b = it.bench;
      return { code, error, ns: Number(ns), bench_ns: b.ns === null ? null : Number(b.ns), bench_opened: b.opened };
    },
    // An instance that will not be started.
    w_drop: (r) => {
      release(r.ready);
      return {};
    },
  };
}
