#!/usr/bin/env bash
# The main job: install what is missing, build the harness, the drivers it needs (all, or the
# ones of `--engines`) and the guest corpus, run the quick profile (pass other `wasmgauge run`
# flags through, e.g. --profile full or --engines wasmi-eager,native), add the conformance
# checks (the whole spec testsuite, the sandbox and WASI matrices, 60 s of differential
# testing, the WASI testsuite) to the same results file, then render the HTML/Markdown/CSV
# report and print where it is. Sightglass's benchmarks run beside the corpus (`--suite`) and
# the WASI testsuite after it: the samples in ../shared unless SIGHTGLASS_SUITE (a .suite file,
# a directory or a .wasm) or WASI_TESTSUITE (a tree of tests) name others; a sample that is not
# there is left out with a message. Exit code is the run's (3 = the run finished but some cells failed; the report is
# written either way); a conformance command that cannot run at all exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cargo build --release --locked -p wasmgauge
bin="${CARGO_TARGET_DIR:-target}/release/wasmgauge"

# The engines asked for (if any) decide which drivers to build.
engines=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --engines) engines=(--engines "${args[$((i + 1))]}") ;;
    --engines=*) engines=(--engines "${args[$i]#--engines=}") ;;
  esac
done
read -r -a drivers <<<"$("$bin" drivers "${engines[@]}")"
# shellcheck disable=SC2068
scripts/build-drivers.sh ${drivers[@]}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="results/run-$stamp.json"
report="reports/run-$stamp"

suite="${SIGHTGLASS_SUITE:-../shared/sightglass-sample/sample.suite}"
wasi_tests="${WASI_TESTSUITE:-../shared/wasi-testsuite}"
suite_args=()
if [[ -e "$suite" ]]; then suite_args=(--suite "$suite"); else echo "run: no Sightglass suite at $suite (SIGHTGLASS_SUITE): left out" >&2; fi

"$bin" corpus build --out corpus
status=0
"$bin" run --profile quick --out "$results" "${suite_args[@]}" "$@" || status=$?
if [[ -f "$results" ]]; then
  "$bin" conform all --into "$results" --corpus corpus --seconds 60 --reproducers "results/differential-$stamp" "${engines[@]}" \
    || { echo "conformance checks could not run" >&2; status=1; }
  if [[ -d "$wasi_tests" ]]; then
    "$bin" conform wasi-testsuite "$wasi_tests" --into "$results" "${engines[@]}" \
      || { echo "the WASI testsuite could not run" >&2; status=1; }
  else
    echo "run: no WASI testsuite at $wasi_tests (WASI_TESTSUITE): left out" >&2
  fi
  page=$("$bin" report "$results" --out "$report")
  echo "results: $results"
  echo "report:  $page  (summary: $report/summary.md, table: $report/results.csv)"
fi
exit "$status"
