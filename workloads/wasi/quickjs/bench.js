// A request-handling shaped script: parse JSON records, filter, aggregate, render text.
// A 32-bit LCG; its low bits cycle fast, so callers get the high 24.
function rng(seed) { let s = seed >>> 0; return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s >>> 8; }; }
const n = scriptArgs.length > 0 ? parseInt(scriptArgs[0]) : 2000;
const r = rng(42);
const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
const records = [];
for (let i = 0; i < n; i++) records.push({ id: i, name: words[r() % 8] + "-" + (r() % 1000), score: r() % 10000, tags: [words[r() % 8], words[r() % 8]] });
const text = JSON.stringify(records);
const parsed = JSON.parse(text);
const byTag = new Map();
for (const rec of parsed) for (const t of rec.tags) byTag.set(t, (byTag.get(t) || 0) + rec.score);
const top = [...byTag.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
let h = 2166136261;
for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
const re = /([a-z]+)-(\d+)/g; let m, matches = 0; while ((m = re.exec(text)) !== null) matches += parseInt(m[2]) & 1;
print("records", n, "json bytes", text.length, "fnv1a", h.toString(16), "odd matches", matches);
for (const [t, s] of top) print(t, s);
