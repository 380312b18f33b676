#!/usr/bin/env bash
# Installs what wasmgauge needs on a fresh machine: the wasm targets for the active toolchain
# (rustup does not auto-install them here), checks the toolchain is new enough, and installs
# the C toolchain of the corpus's C WASI programs (Debian packages clang, lld, wasi-libc,
# libclang-rt-dev-wasm32: clang for wasm32-wasi with its libc; the host's cc builds the twins)
# Valgrind (instruction counts, `run --measure instructions`), cmake (the WAMR driver) and npm
# (the v8 driver's Node.js package); componentize-py (PyPI, pinned, in its own virtual
# environment) for the Python component guest; componentize-js (npm, pinned by its lockfile) for
# the JavaScript component guest; the Wasmtime CLI's test components.
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
for target in wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2; do
  if ! grep -qx "$target" <<<"$installed"; then
    echo "setup: adding rust target $target"
    rustup target add "$target"
  fi
done

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
apt_updated=""
apt_install() {
  if [[ -z "$apt_updated" ]]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1 \
  || [[ ! -f /usr/include/wasm32-wasi/stdio.h ]] || ! ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; then
  echo "setup: installing clang, lld, wasi-libc and libclang-rt-dev-wasm32 (Debian) for the C WASI workloads"
  apt_install clang lld wasi-libc libclang-rt-dev-wasm32
  [[ -f /usr/include/wasm32-wasi/stdio.h ]] || { echo "setup: wasi-libc could not be installed" >&2; exit 1; }
fi

# The Wasm3 and WAMR drivers build vendored C: WAMR's through cmake, both bindings through
# bindgen, which loads libclang (libclang1, pulled in by clang above). The v8 driver installs
# its Node.js binary from the npm registry with npm (Debian's npm brings a node to run it).
if ! command -v cmake >/dev/null 2>&1; then
  echo "setup: installing cmake (Debian) for the WAMR driver"
  apt_install cmake
  command -v cmake >/dev/null || { echo "setup: cmake could not be installed" >&2; exit 1; }
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing npm (Debian) for the v8 driver's Node.js package"
  apt_install npm
  command -v npm >/dev/null || { echo "setup: npm could not be installed" >&2; exit 1; }
fi

if ! command -v valgrind >/dev/null 2>&1; then
  echo "setup: installing valgrind (Debian) for instruction counts (run --measure instructions)"
  apt_install valgrind
  command -v valgrind >/dev/null || { echo "setup: valgrind could not be installed" >&2; exit 1; }
fi

if [[ "${1:-}" == "--browser" ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium (Debian package) for the report browser test"
  apt_install chromium
  command -v chromium >/dev/null || { echo "setup: chromium could not be installed" >&2; exit 1; }
fi

# The Python component guest's toolchain: componentize-py from PyPI, pinned with its hash, in a
# virtual environment of its own (workloads/components/python/.venv); Debian's python3-venv
# where the interpreter cannot make one.
py_req=workloads/components/python/requirements.txt
py_env=workloads/components/python/.venv
if ! cmp -s "$py_req" "$py_env/.wasmgauge-installed-requirements"; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    echo "setup: installing python3-venv (Debian) for the Python component guest's toolchain"
    apt_install python3-venv
  fi
  echo "setup: installing componentize-py (PyPI, pinned) into $py_env"
  rm -rf "$py_env"
  python3 -m venv "$py_env"
  "$py_env/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$py_req" \
    || { echo "setup: componentize-py could not be installed" >&2; exit 1; }
  cp "$py_req" "$py_env/.wasmgauge-installed-requirements"
fi

# The JavaScript guest's toolchain: componentize-js (SpiderMonkey through StarlingMonkey, with
# Wizer and jco) from the npm registry, pinned by workloads/components/js/package-lock.json and
# installed with npm ci into workloads/components/js/node_modules. (Its AOT mode, weval, would
# download a binary from GitHub at build time, which this machine cannot: it is not used.)
js_lock=workloads/components/js/package-lock.json
js_modules=workloads/components/js/node_modules
if ! cmp -s "$js_lock" "$js_modules/.wasmgauge-installed-lock"; then
  echo "setup: installing componentize-js (npm, pinned by $js_lock) into $js_modules"
  (cd workloads/components/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || { echo "setup: componentize-js could not be installed" >&2; exit 1; }
  cp "$js_lock" "$js_modules/.wasmgauge-installed-lock"
fi

# Components nobody on the team wrote or built (the Wasmtime CLI's own test components, from
# its crates.io package, sha256 pinned), for the `run --component` agreement test.
scripts/fetch-peer-components.sh
