// jco's transpile for the V8 driver's component host (components.mjs starts it as a Node.js
// process of its own, with V8's default flags, not the configuration's: jco is itself
// WebAssembly, and under `--no-liftoff --no-wasm-lazy-compilation` its first run compiles it
// all with the optimizing tier, about 40 s here; jco runs at build time, as `jco transpile`
// does, not under the configuration measured). It reads a component on stdin, loads jco and
// runs it once on a one-module component (its start-up, untimed), then transpiles the component
// in instantiation mode (sync), timed, and writes {"ns", "files": {name: base64}} on stdout, or
// {"err"}.
import { transpileBytes } from '@bytecodealliance/jco-transpile';

const now = process.hrtime.bigint;
// A component holding one empty core module and an instance of it.
const TINY = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x01, 0x08, 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x02, 0x04, 0x01, 0x00, 0x00, 0x00]);
const options = { name: 'plugin', instantiation: 'sync', emitTypescriptDeclarations: false };

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const component = new Uint8Array(Buffer.concat(chunks));
let reply;
try {
  await transpileBytes(TINY, options);
  const t0 = now();
  const out = await transpileBytes(component, options);
  const ns = Number(now() - t0);
  const files = Object.fromEntries(Object.entries(out.files).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  reply = { ns, files };
} catch (e) {
  reply = { err: String(e && e.message ? e.message : e) };
}
process.stdout.write(JSON.stringify(reply));
