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
for manifest in harness/drivers/*/Cargo.toml; do drivers+=("$(dirname "$manifest")"); done

scripts/install-driver-packages.sh
cargo fmt --all --check
for d in "${drivers[@]}"; do cargo fmt --manifest-path "$d/Cargo.toml" --all --check; done
scripts/check-layers.sh

cargo clippy --release --locked --workspace --all-targets -- -D warnings

# Each driver workspace: clippy with -D warnings, its executables, then its tests. Clippy runs
# as the workspace wrapper of a release build (what `cargo clippy` does, but in build mode), so
# the runtimes are compiled once, where `cargo clippy` would also check every dependency
# (metadata-only units: a second front-end pass over each runtime on a cold machine). The
# wrapper (scripts/clippy-wrapper.sh) sends only the driver's own crate through clippy-driver,
# whose artifacts are then removed: a crate built by clippy-driver has MIR optimisations off
# (such a wasmi driver measured 12-24% slower), and cargo's fingerprint does not see a wrapper
# change, so it would otherwise be reused. Every driver is built explicitly: `cargo test`
# builds a package's executables only when it has integration tests, and the harness's tests
# launch them.
export CLIPPY_DRIVER
CLIPPY_DRIVER="$(rustc --print sysroot)/bin/clippy-driver"
for d in "${drivers[@]}"; do
  echo "test: $d"
  package="$(sed -n 's/^name = "\(.*\)"$/\1/p' "$d/Cargo.toml" | head -n 1)"
  RUSTC_WORKSPACE_WRAPPER="$PWD/scripts/clippy-wrapper.sh" \
    cargo build --release --locked --all-targets --manifest-path "$d/Cargo.toml" --target-dir "$target"
  cargo clean --release -p "$package" --manifest-path "$d/Cargo.toml" --target-dir "$target"
  cargo build --release --locked --manifest-path "$d/Cargo.toml" --target-dir "$target"
  cargo test --release --locked --manifest-path "$d/Cargo.toml" --target-dir "$target"
done

cargo test --release --locked --workspace
