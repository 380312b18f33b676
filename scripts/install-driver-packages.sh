#!/usr/bin/env bash
# Installs the npm packages of the drivers that run their runtime from one (harness/drivers/v8: the
# Node.js binary), from each driver's own package-lock.json with `npm ci`; again only when the
# lockfile changed since the last install. Usage: scripts/install-driver-packages.sh [DRIVER ...]
# (default: every driver folder with a package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
drivers=("$@")
if [[ ${#drivers[@]} -eq 0 ]]; then
  for lock in harness/drivers/*/package-lock.json; do [[ -f "$lock" ]] && drivers+=("$(basename "$(dirname "$lock")")"); done
fi
for d in "${drivers[@]}"; do
  lock="harness/drivers/$d/package-lock.json"
  [[ -f "$lock" ]] || continue
  if ! cmp -s "$lock" "harness/drivers/$d/node_modules/.wasmgauge-installed-lock"; then
    echo "install-driver-packages: npm ci in harness/drivers/$d"
    (cd "harness/drivers/$d" && npm ci --no-audit --no-fund --loglevel=error) \
      || { echo "install-driver-packages: npm ci failed in harness/drivers/$d" >&2; exit 1; }
    cp "$lock" "harness/drivers/$d/node_modules/.wasmgauge-installed-lock"
  fi
done
