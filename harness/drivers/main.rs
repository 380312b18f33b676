//! Every runtime driver's executable, `wasmgauge-driver-<name>`: answers one orchestrator
//! request (`measure::driver::main`) over the driver library's `DRIVER`.
fn main() -> std::process::ExitCode {
    measure::driver::main(&driver::DRIVER)
}
