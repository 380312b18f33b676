//! The tinywasm driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&tinywasm_driver::DRIVER)
}
