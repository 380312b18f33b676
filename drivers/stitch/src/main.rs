//! The stitch driver executable: answers one orchestrator request.
fn main() -> std::process::ExitCode {
    measure::driver::main(&stitch_driver::DRIVER)
}
