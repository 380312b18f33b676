#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER used by scripts/test.sh to lint a driver in a release build: the
# packages named on cargo's command line (CARGO_PRIMARY_PACKAGE) go through clippy-driver, every
# other local crate (the harness crates a driver depends on by path, linted by the harness
# workspace's own clippy run) through plain rustc, so no artifact of theirs is ever clippy-built.
# Usage (by cargo): clippy-wrapper.sh RUSTC ARGS...
set -euo pipefail
rustc="$1"
shift
if [[ -n "${CARGO_PRIMARY_PACKAGE:-}" ]]; then
  # Lint levels as plain command-line flags, after the ones cargo passes (the [lints] tables).
  exec "${CLIPPY_DRIVER:?set by scripts/test.sh}" "$rustc" "$@" -D warnings
fi
exec "$rustc" "$@"
