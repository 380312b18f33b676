#!/usr/bin/env python3
"""Fails when a driver target marked `test = false` holds a test.

The drivers' libraries without unit tests, and their executables, are marked `test = false` in
their manifests, so `cargo build --all-targets` and `cargo test` do not compile each of them a
second time as an empty test harness (a driver crate is a large compile on top of its runtime).
cargo would silently skip a test added to such a target; this check makes that an error.
Usage: scripts/check-test-targets.py   (from anywhere; reads harness/drivers/*/Cargo.toml)
"""
import glob
import os
import re
import sys
import tomllib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
problems = []
checked = 0
for manifest in sorted(glob.glob(os.path.join(root, "harness/drivers/*/Cargo.toml"))):
    folder = os.path.dirname(manifest)
    with open(manifest, "rb") as f:
        cargo = tomllib.load(f)
    targets = [("lib", cargo.get("lib", {}))] + [("bin", b) for b in cargo.get("bin", [])]
    for kind, target in targets:
        if target.get("test", True):
            continue
        checked += 1
        path = os.path.normpath(os.path.join(folder, target.get("path", "src/lib.rs")))
        # A library's tests may live in any module under its root's folder; an executable's in
        # its own file (the shared ../main.rs and ../once.rs are one file each).
        files = [path]
        if kind == "lib":
            files = glob.glob(os.path.join(os.path.dirname(path), "**/*.rs"), recursive=True)
        for file in files:
            with open(file, encoding="utf-8") as f:
                if re.search(r"#\[(tokio::)?test\b", f.read()):
                    rel = os.path.relpath(manifest, root)
                    problems.append(f"{rel}: {kind} `{target.get('name', '?')}` has `test = false` but {os.path.relpath(file, root)} holds a test")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"check-test-targets: {checked} driver targets without tests, none holds one")
