//! The wasm3 driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&wasm3_driver::DRIVER)
}
