//! wasmgauge's layering check (`scripts/check-layers.sh`, run by `scripts/test.sh`).
//!
//! It reads what the compiler does not keep by itself:
//! - [`manifests`]: every crate depends only on the crates the workspace's layer table
//!   (`[workspace.metadata.wasmgauge.layers]` in the top `Cargo.toml`) allows it; the runtime
//!   crates are the ones the drivers declare (`[package.metadata.wasmgauge] runtimes`), and no
//!   harness or workload crate names one, nor does the harness's `Cargo.lock` hold one;
//! - [`docs`]: ARCHITECTURE.md's table says the same as the workspace table;
//! - [`modules`] and [`graph`]: inside every crate (the workspace's and the drivers'), no import
//!   circle between modules; and where the workspace says a module's children are separate
//!   (`separate = ["wasmgauge-measure::scenarios"]`), none of them names another. Sources are parsed with `syn`, so string literals of any kind,
//!   comments and macro bodies are read as the compiler reads them.
//!
//! Every finding is one line; [`check`] returns them all, and the binary exits 1 when there is
//! one. The self-test (`tests/fixtures.rs`) plants each kind of fault in a small tree and
//! requires the check to fail on it.

pub mod docs;
pub mod graph;
pub mod manifests;
pub mod modules;

use anyhow::Result;
use std::path::Path;

/// What one run of the check found.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per fault; empty when the tree is layered as the table says.
    pub errors: Vec<String>,
    /// Crates whose manifests were read (workspace members and drivers).
    pub crates: usize,
    /// Crate roots whose module graphs were read (libraries and executables).
    pub roots: usize,
    /// Modules in those graphs.
    pub modules: usize,
    /// References between modules that were resolved.
    pub references: usize,
    /// The runtime crates the drivers declare.
    pub runtimes: Vec<String>,
}

/// Checks the tree at `root` (the directory of the workspace's `Cargo.toml`).
pub fn check(root: &Path) -> Result<Report> {
    let tree = manifests::Tree::load(root)?;
    let mut report = Report { crates: tree.packages.len(), runtimes: tree.runtimes(), ..Report::default() };
    report.errors.extend(tree.check());
    report.errors.extend(docs::check(root, &tree));
    let mut seen = std::collections::BTreeSet::new();
    // A separate module must exist in some root of its crate (else the rule checks nothing).
    let mut separate_found = vec![false; tree.separate.len()];
    for package in &tree.packages {
        for crate_root in package.roots() {
            // The same source built twice (a second runtime version's driver) is read once.
            let key = crate_root.canonicalize().unwrap_or(crate_root.clone());
            if !seen.insert(key) {
                continue;
            }
            let name = format!("{} ({})", package.name, crate_root.strip_prefix(root).unwrap_or(&crate_root).display());
            match modules::Crate::read(&crate_root) {
                Ok(krate) => {
                    report.roots += 1;
                    report.modules += krate.modules.len();
                    let edges = krate.edges();
                    report.references += edges.len();
                    for circle in graph::circles(&krate, &edges) {
                        report.errors.push(format!("{name}: import circle between modules {circle}"));
                    }
                    for (i, (_, parent)) in tree.separate.iter().enumerate().filter(|(_, (k, _))| *k == package.name) {
                        if krate.find(parent).is_some() {
                            separate_found[i] = true;
                            let faults = krate.siblings_naming_each_other(parent, &edges);
                            report.errors.extend(faults.into_iter().map(|e| format!("{name}: {e}")));
                        }
                    }
                    report.errors.extend(krate.problems.iter().map(|p| format!("{name}: {p}")));
                }
                Err(e) => report.errors.push(format!("{name}: {e:#}")),
            }
        }
    }
    for ((krate, module), found) in tree.separate.iter().zip(separate_found) {
        if !found {
            report.errors.push(format!(
                "`{krate}::{}` is declared separate, but no crate root of {krate} has that module",
                module.join("::")
            ));
        }
    }
    Ok(report)
}
