//! ARCHITECTURE.md's "Which may import which" table against the workspace's layer table: a
//! row per crate (its name without the `wasmgauge-` prefix; `wasmgauge` for the CLI; driver
//! rows by folder), the crates it may depend on comma-separated, `-` for none.
use crate::manifests::Tree;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The heading of the section whose table is read.
pub const HEADING: &str = "Which may import which";

/// How ARCHITECTURE.md names a crate.
pub fn short(name: &str) -> String {
    name.strip_prefix("wasmgauge-").unwrap_or(name).to_string()
}

fn cell(text: &str) -> String {
    text.trim().trim_matches('`').trim().to_string()
}

/// The table as ARCHITECTURE.md has it: crate -> crates it may depend on.
pub fn read_table(text: &str) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let start = text.lines().position(|l| l.starts_with('#') && l.contains(HEADING))?;
    let mut rows = BTreeMap::new();
    let mut in_table = false;
    for line in text.lines().skip(start + 1) {
        let line = line.trim();
        if !line.starts_with('|') {
            if in_table {
                break;
            }
            continue;
        }
        let cols: Vec<&str> = line.trim_matches('|').split('|').collect();
        let first = cols.first().map(|c| cell(c)).unwrap_or_default();
        // The header row and the `|---|---|` rule.
        if !in_table || first.chars().all(|c| c == '-' || c == ':') {
            in_table = true;
            continue;
        }
        let deps = cols.get(1).map(|c| cell(c)).unwrap_or_default();
        let set =
            if deps == "-" { BTreeSet::new() } else { deps.split(',').map(cell).filter(|d| !d.is_empty()).collect() };
        rows.insert(first, set);
    }
    Some(rows)
}

/// Differences between ARCHITECTURE.md's table and the workspace's.
pub fn check(root: &Path, tree: &Tree) -> Vec<String> {
    let path = root.join("ARCHITECTURE.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return vec![format!("{} is missing: it must state the layer table", path.display())];
    };
    let Some(doc) = read_table(&text) else {
        return vec![format!("ARCHITECTURE.md has no section \"{HEADING}\" with the layer table")];
    };
    let want: BTreeMap<String, BTreeSet<String>> =
        tree.layers.iter().map(|(k, v)| (short(k), v.iter().map(|d| short(d)).collect())).collect();
    let mut errors = Vec::new();
    for (k, v) in &want {
        match doc.get(k) {
            None => {
                errors.push(format!("ARCHITECTURE.md's layer table has no row `{k}` (the workspace table has one)"))
            }
            Some(d) if d != v => errors.push(format!(
                "ARCHITECTURE.md says `{k}` may depend on {{{}}}, the workspace's layer table says {{{}}}",
                d.iter().cloned().collect::<Vec<_>>().join(", "),
                v.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
            Some(_) => {}
        }
    }
    for k in doc.keys().filter(|k| !want.contains_key(*k)) {
        errors.push(format!("ARCHITECTURE.md's layer table has a row `{k}` that the workspace table lacks"));
    }
    errors
}
