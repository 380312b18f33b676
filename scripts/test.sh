#!/usr/bin/env bash
# The test job: formatting, the layering check (crate layers, import circles), clippy with
# -D warnings on the harness workspace and on every driver workspace, every driver's own tests,
# then the harness's unit and integration tests (which launch the drivers). Release profile, so
# the runtimes are built once and shared with scripts/run.sh. Installs headless Chromium for the
# report's browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
target="${CARGO_TARGET_DIR:-$PWD/target}"
drivers=()
for manifest in drivers/*/Cargo.toml; do drivers+=("$(dirname "$manifest")"); done

cargo fmt --all --check
for d in "${drivers[@]}"; do cargo fmt --manifest-path "$d/Cargo.toml" --all --check; done
scripts/check-layers.sh

cargo clippy --release --locked --workspace --all-targets -- -D warnings

# Each driver workspace: clippy with -D warnings (check mode: its own metadata, never the
# executables), then its tests on a plain release build. Drivers are never built through
# clippy-driver as a rustc wrapper: that turns MIR optimisations off, and such a wasmi driver
# measured 12-24% slower than a release build of the same source.
for d in "${drivers[@]}"; do
  echo "test: $d"
  cargo clippy --release --locked --all-targets --manifest-path "$d/Cargo.toml" --target-dir "$target" -- -D warnings
  cargo test --release --locked --manifest-path "$d/Cargo.toml" --target-dir "$target"
done

cargo test --release --locked --workspace
