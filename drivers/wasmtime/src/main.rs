//! The Wasmtime driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&wasmtime_driver::DRIVER)
}
