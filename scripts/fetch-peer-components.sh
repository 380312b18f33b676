#!/usr/bin/env bash
# Fetches components nobody on the wasmgauge team wrote or built, for `run --component` tests
# and cross-checks: the component test programs of the Wasmtime CLI's own test suite (WAT
# written by the Bytecode Alliance, Apache-2.0 WITH LLVM-exception), from the crates.io package
# wasmtime-cli 48.0.8, its sha256 pinned below (the registry index's checksum). They land in
# ${WASMGAUGE_CACHE:-~/.cache/wasmgauge}/peers/wasmtime-cli-48.0.8/.
set -euo pipefail
version=48.0.8
sha256=937960a5bea1375aa9378b918f2f22a1dca2da10c32b936db2c3c18f54d33ee6
dest="${WASMGAUGE_CACHE:-$HOME/.cache/wasmgauge}/peers/wasmtime-cli-$version"
files=(component-basic.wat component-multiple-runs.wat empty-component.wat)
if [[ -f "$dest/.done" ]]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
crate="$HOME/.cargo/registry/cache/index.crates.io-1949cf8c6b5b557f/wasmtime-cli-$version.crate"
if [[ ! -f "$crate" ]]; then
  crate="$tmp/wasmtime-cli.crate"
  curl -sSfL --retry 3 -o "$crate" "https://static.crates.io/crates/wasmtime-cli/wasmtime-cli-$version.crate"
fi
echo "$sha256  $crate" | sha256sum -c --quiet - || { echo "setup: wasmtime-cli-$version.crate has the wrong sha256" >&2; exit 1; }
tar -xzf "$crate" -C "$tmp" "${files[@]/#/wasmtime-cli-$version/tests/all/cli_tests/}" "wasmtime-cli-$version/LICENSE"
mkdir -p "$dest"
cp "$tmp/wasmtime-cli-$version/tests/all/cli_tests/"*.wat "$tmp/wasmtime-cli-$version/LICENSE" "$dest/"
printf 'crates.io wasmtime-cli %s (sha256 %s), tests/all/cli_tests/\n' "$version" "$sha256" > "$dest/ORIGIN.txt"
touch "$dest/.done"
echo "setup: peer components from wasmtime-cli $version in $dest"
