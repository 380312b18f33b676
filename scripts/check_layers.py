#!/usr/bin/env python3
"""The layering check of the test job (scripts/check-layers.sh).

1. Crates: each workspace crate may depend only on the crates below it (ARCHITECTURE.md); the
   compiler then keeps the direction, this check keeps the table and the manifests in step.
2. Modules: inside every crate (the workspace's and the drivers'), no import circle between
   modules. A module depends on another when its source names it by path (`use crate::a::b`,
   `crate::a::f()`, `super::x`, `self::x`); a module declaring a child does not by that alone
   depend on it. Prints every circle found and exits 1.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Which of our crates each crate may depend on (the lower layers only).
ALLOWED = {
    "wasmgauge-stats": set(),
    "wasmgauge-results": {"wasmgauge-stats"},
    "wasmgauge-protocol": {"wasmgauge-results"},
    "wasmgauge-measure": {"wasmgauge-stats", "wasmgauge-results", "wasmgauge-protocol"},
    "wasmgauge-report": {"wasmgauge-stats", "wasmgauge-results"},
    "wasmgauge-gate": {"wasmgauge-stats", "wasmgauge-results"},
    "wasmgauge-conform": {"wasmgauge-results", "wasmgauge-protocol"},
    "wasmgauge": {
        "wasmgauge-stats", "wasmgauge-results", "wasmgauge-protocol", "wasmgauge-measure",
        "wasmgauge-report", "wasmgauge-gate", "wasmgauge-conform",
    },
}
RUNTIMES = ("wasmtime", "wasmer", "wasmi")


def deps_of(manifest):
    """Names of the [dependencies] of a Cargo.toml (not dev- or build-dependencies)."""
    out, section = [], None
    for line in open(manifest):
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "dependencies" and "=" in line and not line.startswith("#"):
            out.append(line.split("=")[0].strip().split(".")[0])
    return out


def check_crates():
    errors = []
    for name in sorted(os.listdir(os.path.join(ROOT, "crates"))):
        manifest = os.path.join(ROOT, "crates", name, "Cargo.toml")
        text = open(manifest).read()
        package = re.search(r'^name = "([^"]+)"', text, re.M).group(1)
        ours = {d for d in deps_of(manifest) if d.startswith("wasmgauge")}
        if package not in ALLOWED:
            errors.append(f"{package}: not in the layering table of scripts/check_layers.py")
            continue
        for d in sorted(ours - ALLOWED[package]):
            errors.append(f"{package} depends on {d}, a crate at its own layer or above")
        for d in deps_of(manifest):
            if d.startswith(RUNTIMES):
                errors.append(f"{package} depends on the runtime crate {d}: runtimes belong in drivers/")
    return errors


def modules_of(src):
    """Module path (tuple) -> file, for every .rs file under a crate's src/."""
    mods = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            if rel and rel[0] == "bin":
                continue
            mods[tuple(rel)] = os.path.join(dirpath, f)
    return mods


PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")


def strip(text):
    """The source without comments, string literals (paths in docs do not count) and its unit
    tests (an inline `mod tests` at the end, whose `super::` is the file's own module)."""
    text = text.split("#[cfg(test)]\nmod tests")[0]
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def targets(text, here, mods):
    """Modules a file refers to by path."""
    out = set()
    # Expand `use crate::{a, b::c}` groups one level deep.
    for m in re.finditer(r"\buse\s+(crate|super|self)::\{([^;]*)\};", text, re.S):
        for part in re.split(r",", m.group(2)):
            part = part.strip().split(" as ")[0].strip()
            if part:
                text += f"\n{m.group(1)}::{part.replace('{', '').replace('}', '')};"
    for m in PATH.finditer(text):
        base = {"crate": (), "self": here}.get(m.group(1), here[:-1])
        rest = [p for p in m.group(2).split("::") if p and p != "{"]
        path = list(base)
        # `super::super::x`
        while rest and rest[0] == "super":
            path = path[:-1]
            rest = rest[1:]
        best = tuple(path)
        for p in rest:
            candidate = best + (p,)
            if candidate in mods:
                best = candidate
            else:
                break
        if best != here and best in mods:
            out.add(best)
    # Paths relative to this module: `child::item` (and `use child::...`) names a child.
    for m in re.finditer(r"(?<![:\w])([a-z_][a-z0-9_]*)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::", text):
        if m.group(1) in ("crate", "super", "self"):
            continue
        best = here + (m.group(1),)
        if best not in mods:
            continue
        for p in [x for x in m.group(2).split("::") if x]:
            if best + (p,) in mods:
                best = best + (p,)
            else:
                break
        out.add(best)
    return out


def cycles(graph):
    """Every elementary circle found by a depth-first search (one per strongly connected set)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def check_modules(crate_dir):
    src = os.path.join(crate_dir, "src")
    mods = modules_of(src)
    graph = {m: targets(strip(open(f).read()), m, mods) for m, f in mods.items()}
    name = os.path.relpath(crate_dir, ROOT)
    return [
        f"{name}: import circle between modules " + " <-> ".join("::".join(m) or "crate" for m in sorted(c))
        for c in cycles(graph)
    ], len(mods)


def main():
    errors = check_crates()
    crates = [os.path.join(ROOT, "crates", c) for c in sorted(os.listdir(os.path.join(ROOT, "crates")))]
    crates += [os.path.join(ROOT, "drivers", d) for d in sorted(os.listdir(os.path.join(ROOT, "drivers")))
               if os.path.isdir(os.path.join(ROOT, "drivers", d, "src"))]
    counted = 0
    for c in crates:
        found, n = check_modules(c)
        errors += found
        counted += n
    for e in errors:
        print(f"check-layers: {e}")
    if errors:
        sys.exit(1)
    print(f"check-layers: {len(crates)} crates layered as ARCHITECTURE.md says; {counted} modules, no import circle")


if __name__ == "__main__":
    main()
