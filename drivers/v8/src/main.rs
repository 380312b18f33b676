//! The v8 driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&v8_driver::DRIVER)
}
