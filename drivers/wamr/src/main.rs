//! The wamr driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&wamr_driver::DRIVER)
}
