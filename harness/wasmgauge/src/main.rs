//! The `wasmgauge` command; everything lives in the library (`wasmgauge::commands`).
fn main() -> std::process::ExitCode {
    wasmgauge::commands::main()
}
