//! `wasmgauge-once-native`: one fresh process computing one answer of native code (process
//! cold start of the `native` baseline).
fn main() -> std::process::ExitCode {
    measure::driver::once_main(wasmgauge_driver_native::SUBJECTS)
}
