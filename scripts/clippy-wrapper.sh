#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER used by scripts/test.sh to lint crates inside the release build that
# makes their real artifacts, so each crate is compiled once and every dependency (a runtime) is
# built once, with codegen, and never checked a second time in metadata-only mode (what `cargo
# clippy` would do: a second front-end pass over each runtime on a cold machine).
#
# For a package named on cargo's command line (CARGO_PRIMARY_PACKAGE) it runs clippy-driver
# first, with cargo's own arguments except that it emits metadata only, into a scratch directory,
# and without artifact notifications (cargo must not start a dependent on clippy's output); its
# diagnostics reach cargo as usual and `-D warnings` fails the build. Then it runs plain rustc
# with cargo's arguments unchanged: every artifact cargo keeps is rustc's (a crate built by
# clippy-driver has MIR optimisations off; such a wasmi driver measured 12-24% slower). Every
# other crate (dependencies, and the harness crates a driver depends on by path, which the
# harness workspace's own pass lints) goes straight to rustc.
# Usage (by cargo): clippy-wrapper.sh RUSTC ARGS...
set -euo pipefail
rustc="$1"
shift
if [[ -z "${CARGO_PRIMARY_PACKAGE:-}" ]]; then
  exec "$rustc" "$@"
fi
# cargo asks for a version string, the target list, etc. without a crate: no linting then.
case " $* " in
  *" - "* | *" -vV "* | *" --print"*) exec "$rustc" "$@" ;;
esac

scratch="$(mktemp -d)"
lint=()
next=""
for arg in "$@"; do
  case "$next" in
    emit) lint+=("metadata"); next=""; continue ;;
    out) lint+=("$scratch"); next=""; continue ;;
  esac
  case "$arg" in
    --emit) lint+=("$arg"); next=emit ;;
    --emit=*) lint+=("--emit=metadata") ;;
    --out-dir) lint+=("$arg"); next=out ;;
    --out-dir=*) lint+=("--out-dir=$scratch") ;;
    --json=*)
      kinds="$(tr ',' '\n' <<<"${arg#--json=}" | grep -vx artifacts | paste -sd, -)"
      [[ -n "$kinds" ]] && lint+=("--json=$kinds")
      ;;
    *) lint+=("$arg") ;;
  esac
done
status=0
"${CLIPPY_DRIVER:?set by scripts/test.sh}" "$rustc" "${lint[@]}" -D warnings || status=$?
rm -rf "$scratch"
if [[ $status -ne 0 ]]; then
  exit "$status"
fi
exec "$rustc" "$@"
