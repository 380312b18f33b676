//! The wasmi driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&wasmi_driver::DRIVER)
}
