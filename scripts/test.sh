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
scripts/check-test-targets.py

# Clippy with -D warnings runs inside the release builds (scripts/clippy-wrapper.sh as cargo's
# workspace wrapper): each crate of ours is linted and then compiled by plain rustc in the same
# step, every dependency (a runtime) is compiled once, and the tests reuse what the build made.
# The crates of ours are cleaned first, so they are always compiled (and linted) here, even when
# an earlier unwrapped build left them fresh. The tests run under the same wrapper: cargo
# recompiles a crate of ours once when the wrapper's environment differs between two commands
# (measured: the Wasmer driver's tests were built again, 49 s), and anything it does compile
# there is linted too. Every driver is built explicitly: `cargo test` builds a package's
# executables only when it has integration tests, and the harness's tests launch them.
export CLIPPY_DRIVER
CLIPPY_DRIVER="$(rustc --print sysroot)/bin/clippy-driver"
lint=(env RUSTC_WORKSPACE_WRAPPER="$PWD/scripts/clippy-wrapper.sh")
package_of() { sed -n 's/^name = "\(.*\)"$/\1/p' "$1" | head -n 1; }

for d in "${drivers[@]}"; do
  echo "test: $d"
  # A driver built with flags of its own (the host-tuned native: its manifest's `rustflags`)
  # is built the way scripts/build-drivers.sh builds it, in a target directory of its own; its
  # source is the native driver's, linted there.
  if grep -q '^rustflags = ' "$d/Cargo.toml"; then
    "${lint[@]}" scripts/build-drivers.sh "$(basename "$d")"
    continue
  fi
  cargo clean --release -p "$(package_of "$d/Cargo.toml")" --manifest-path "$d/Cargo.toml" --target-dir "$target"
  "${lint[@]}" cargo build --release --locked --all-targets --manifest-path "$d/Cargo.toml" --target-dir "$target"
  "${lint[@]}" cargo test --release --locked --manifest-path "$d/Cargo.toml" --target-dir "$target"
done

echo "test: the harness workspace"
members=()
while IFS= read -r name; do members+=(-p "$name"); done < <(
  cargo metadata --format-version 1 --no-deps --locked | python3 -c 'import json, sys; print("\n".join(p["name"] for p in json.load(sys.stdin)["packages"]))'
)
cargo clean --release "${members[@]}"
"${lint[@]}" cargo build --release --locked --workspace --all-targets
# The guests in workspaces of their own: `corpus build` builds them without any rustc wrapper
# (a wrapper changes their symbol names, so the corpus would depend on who built it), so they
# are linted here.
cargo clippy --release --locked --manifest-path workloads/extism/Cargo.toml --target wasm32-unknown-unknown -- -D warnings
cargo clippy --release --locked --manifest-path workloads/components/rust/Cargo.toml --target wasm32-wasip2 -- -D warnings
"${lint[@]}" cargo test --release --locked --workspace
