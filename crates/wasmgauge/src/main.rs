//! The `wasmgauge` command; everything lives in the library (`wasmgauge::cli`).
fn main() -> std::process::ExitCode {
    wasmgauge::cli::main()
}
