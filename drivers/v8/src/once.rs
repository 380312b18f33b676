//! The v8 driver's one-answer binary (process cold start: it starts the Node.js host too).
fn main() -> std::process::ExitCode {
    measure::driver::once_main(v8_driver::SUBJECTS)
}
