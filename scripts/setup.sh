#!/usr/bin/env bash
# Installs what wasmgauge needs on a fresh machine: the wasm targets for the active toolchain
# (rustup does not auto-install them here) and checks the toolchain is new enough.
# With --browser also headless Chromium (Debian package `chromium`), which the report's browser
# test drives; when it cannot be installed this fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

rustc_version=$(rustc --version | awk '{print $2}')
case "$rustc_version" in
  1.9[5-9]*|1.[1-9][0-9][0-9]*) ;;
  *) echo "wasmgauge needs rustc >= 1.95 (found $rustc_version)" >&2; exit 1 ;;
esac

installed=$(rustup target list --installed)
for target in wasm32-unknown-unknown wasm32-wasip1; do
  if ! grep -qx "$target" <<<"$installed"; then
    echo "setup: adding rust target $target"
    rustup target add "$target"
  fi
done

if [[ "${1:-}" == "--browser" ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium (Debian package) for the report browser test"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  command -v chromium >/dev/null || { echo "setup: chromium could not be installed" >&2; exit 1; }
fi
