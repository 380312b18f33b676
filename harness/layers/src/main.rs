//! `wasmgauge-layers [ROOT]`: checks the tree at ROOT (default: this checkout) and prints one
//! line per fault, exiting 1 when there is one (see the library's doc).
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") || args.len() > 1 {
        eprintln!(
            "usage: wasmgauge-layers [ROOT]\n\nChecks crate layers against [workspace.metadata.wasmgauge.layers], runtime crates\n(declared by the drivers) against the harness, ARCHITECTURE.md's table, and every crate's\nmodules for import circles. Exits 1 on any fault, 2 when the tree cannot be read."
        );
        return ExitCode::from(2);
    }
    let root = match args.first() {
        Some(r) => std::path::PathBuf::from(r),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
    };
    let report = match wasmgauge_layers::check(&root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("check-layers: cannot read the tree at {}: {e:#}", root.display());
            return ExitCode::from(2);
        }
    };
    for e in &report.errors {
        println!("check-layers: {e}");
    }
    if !report.errors.is_empty() {
        println!("check-layers: {} fault(s)", report.errors.len());
        return ExitCode::FAILURE;
    }
    println!(
        "check-layers: {} crates layered as the workspace table and ARCHITECTURE.md say; runtime crates only in drivers ({}); {} crate roots, {} modules, {} references between them, no import circle",
        report.crates,
        report.runtimes.join(", "),
        report.roots,
        report.modules,
        report.references
    );
    ExitCode::SUCCESS
}
