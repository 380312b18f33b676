//! Every runtime driver's lean one-answer executable, `wasmgauge-once-<name>` (process cold
//! start): the subject table only, no conformance code and no WASI layer (`measure::once`).
fn main() -> std::process::ExitCode {
    measure::once::main(driver::SUBJECTS)
}
