//! The Wasmer driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&wasmer_driver::DRIVER)
}
