//! The Wasmtime driver's lean one-answer binary (process cold start): the subject table only,
//! no conformance code and no WASI layer.
fn main() -> std::process::ExitCode {
    measure::driver::once_main(wasmtime_driver::SUBJECTS)
}
