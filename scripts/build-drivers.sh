#!/usr/bin/env bash
# Builds runtime drivers (harness/drivers/<name>, each its own cargo workspace and Cargo.lock) into the
# harness's target directory, so the `wasmgauge` binary finds them beside itself.
# Usage: scripts/build-drivers.sh [DRIVER ...]   (default: every folder under harness/drivers/)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
drivers=("$@")
if [[ ${#drivers[@]} -eq 0 ]]; then
  for manifest in harness/drivers/*/Cargo.toml; do drivers+=("$(basename "$(dirname "$manifest")")"); done
fi
for d in "${drivers[@]}"; do
  [[ -f "harness/drivers/$d/Cargo.toml" ]] || { echo "build-drivers: no driver harness/drivers/$d" >&2; exit 1; }
  echo "build-drivers: $d"
  scripts/install-driver-packages.sh "$d"
  # A driver whose manifest sets `rustflags` (the host-tuned native) is built with them in a
  # target directory of its own, one per CPU (its flags), and its executables copied beside
  # the others: the shared one keeps its artifacts, and a cached build never runs on a CPU
  # without the features it was compiled for.
  flags=$(sed -n 's/^rustflags = "\(.*\)"$/\1/p' "harness/drivers/$d/Cargo.toml")
  if [[ -n "$flags" ]]; then
    cpu=$( (grep -m1 '^flags' /proc/cpuinfo || uname -m) | sha256sum | cut -c1-12)
    own="$target/rustflags-$d-$cpu"
    RUSTFLAGS="$flags" cargo build --release --locked --manifest-path "harness/drivers/$d/Cargo.toml" --target-dir "$own"
    mkdir -p "$target/release"
    for exe in "$own"/release/wasmgauge-*-"$d"; do cp -f "$exe" "$target/release/"; done
  else
    cargo build --release --locked --manifest-path "harness/drivers/$d/Cargo.toml" --target-dir "$target"
  fi
done
