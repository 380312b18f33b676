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
  cargo build --release --locked --manifest-path "harness/drivers/$d/Cargo.toml" --target-dir "$target"
done
