//! The stitch driver's lean one-answer binary (process cold start): the subject table only.
fn main() -> std::process::ExitCode {
    measure::driver::once_main(stitch_driver::SUBJECTS)
}
