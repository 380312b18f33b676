//! `wasmgauge-driver-native`: answers one orchestrator request for the baselines.
fn main() -> std::process::ExitCode {
    measure::driver::main(&wasmgauge_driver_native::DRIVER)
}
