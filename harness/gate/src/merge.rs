//! `wasmgauge merge`: joins the results of shards (`run --shard I/N`, possibly on several
//! machines) into one file. It refuses mixed schemas, corpora and profiles, and cells measured
//! twice; it records every input run (with its machine) in `merged_from`. Every section is
//! joined by [`results::Scenarios::merge`], which the list of sections makes, so no section
//! can be left out.
use anyhow::{Result, bail};
use results::{MergedRun, ResultsFile, Scenarios};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn record(r: &ResultsFile) -> MergedRun {
    MergedRun {
        run_id: r.run_id.clone(),
        shard: r.shard.clone(),
        hostname: r.environment.hostname.clone(),
        cpu_model: r.environment.cpu_model.clone(),
        logical_cores: r.environment.logical_cores,
    }
}

pub fn merge(inputs: &[PathBuf]) -> Result<ResultsFile> {
    if inputs.len() < 2 {
        bail!("merge needs at least two results files");
    }
    let runs: Vec<ResultsFile> = inputs.iter().map(|p| ResultsFile::load(p)).collect::<Result<_>>()?;
    let first = &runs[0];
    let corpus = |r: &ResultsFile| r.corpus.as_ref().map(|c| c.manifest_sha256.clone());
    for (r, path) in runs.iter().zip(inputs).skip(1) {
        if r.schema_version != first.schema_version {
            bail!(
                "mixed schemas: {} has version {}, {} has version {}",
                inputs[0].display(),
                first.schema_version,
                path.display(),
                r.schema_version
            );
        }
        if corpus(r) != corpus(first) {
            bail!(
                "mixed corpora: {} ran corpus {:?}, {} ran corpus {:?} (manifest sha256)",
                inputs[0].display(),
                corpus(first),
                path.display(),
                corpus(r)
            );
        }
        // Shards may scale their time caps differently (--time-budget); the profile must match.
        if r.profile.name != first.profile.name || r.profile.sizes != first.profile.sizes {
            bail!(
                "mixed profiles: {} ran {:?} {:?}, {} ran {:?} {:?}",
                inputs[0].display(),
                first.profile.name,
                first.profile.sizes,
                path.display(),
                r.profile.name,
                r.profile.sizes
            );
        }
    }
    // A cell measured by two inputs is a sharding mistake: refuse rather than pick one.
    let mut seen = BTreeSet::new();
    for (r, path) in runs.iter().zip(inputs) {
        for c in crate::extract::extract(r) {
            if !seen.insert(c.key.clone()) {
                bail!("{} is in more than one input (again in {}); merge joins disjoint shards", c.key, path.display());
            }
        }
    }
    let mut out = first.clone();
    out.merged_from = runs.iter().map(record).collect();
    out.run_id = format!("merged-{}", first.run_id);
    out.shard = None;
    out.scenarios = Scenarios::default();
    for r in runs {
        for e in r.engines {
            if !out.engines.iter().any(|x| x.id == e.id) {
                out.engines.push(e);
            }
        }
        for s in r.scenarios_selected {
            if !out.scenarios_selected.contains(&s) {
                out.scenarios_selected.push(s);
            }
        }
        out.complete &= r.complete;
        if r.finished_at > out.finished_at {
            out.finished_at = r.finished_at;
        }
        out.scenarios.merge(r.scenarios)?;
    }
    out.analyze();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A results file whose `scenarios` are `sections` (cells that failed, so they carry no
    /// measurement, each on its own engine so no cell is measured twice).
    fn file(dir: &std::path::Path, name: &str, sections: serde_json::Value) -> PathBuf {
        let mut r = serde_json::json!({
            "schema": results::SCHEMA, "schema_version": results::SCHEMA_VERSION, "run_id": name,
            "started_at": "2026-12-02T00:00:00Z", "finished_at": null, "complete": true,
            "command": [], "profile": results::plans::Profile::get(results::plans::ProfileName::Quick),
            "isolation": "worker-process", "engine_options": results::EngineOptions::default(),
            "environment": {"cpu_model": "cpu", "logical_cores": 2, "memory_total_kib": null, "os": "linux",
                "arch": "x86_64", "kernel": "6", "hostname": name, "rustc": "rustc", "harness_version": "0",
                "harness_commit": null, "harness_dirty": null, "harness_commit_time": null, "settle": null,
                "cpu_governor": null, "runtimes": {}},
            "engines": [], "corpus": null,
        });
        r["scenarios"] = sections;
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, r.to_string()).unwrap();
        ResultsFile::load(&path).unwrap();
        path
    }

    fn failed(engine: &str) -> serde_json::Value {
        json!({"engine": engine, "status": "failed", "error": "planted", "wall_ms": 0})
    }

    fn workload_cell(engine: &str) -> serde_json::Value {
        json!({"workload": "w", "size": "small", "engine": engine, "status": "failed", "error": "planted",
            "expected_checksum": null, "wall_ms": 0})
    }

    #[test]
    fn merging_keeps_every_section() {
        let dir = tempfile::tempdir().unwrap();
        let command = |engine: &str| {
            json!({"module": "app.wasm", "module_sha256": "ab", "module_bytes": 1, "args": [], "env": [], "dirs": [],
                "runs": 1, "engines_agree": true, "cells": [{"engine": engine, "status": "failed", "error": "planted",
                "timeout_s": 1, "wall_ms": 0}]})
        };
        let export = |engine: &str| {
            json!({"module": "m.wasm", "module_sha256": "cd", "export": "f", "args": [], "engines_agree": true,
                "cells": [failed(engine)]})
        };
        let a = file(
            dir.path(),
            "a",
            json!({
                "throughput": {"cells": [workload_cell("a")]},
                "latency": {"cells": [{"engine": "a", "kind": "workload", "target": "w", "size": "small",
                    "status": "failed", "error": "planted"}]},
                "cold_start": {"cells": [workload_cell("a")],
                    "process": [{"workload": "w", "size": "small", "engine": "a", "status": "failed", "error": "planted",
                        "path": "native", "command": []}],
                    "programs": [workload_cell("a")]},
                "call_overhead": {"cells": [failed("a")]},
                "memory": {"cells": [failed("a")]},
                "wasi_command": command("a"),
                "export_call": export("a"),
                "wasi-programs": {"plan": {}, "cells": [workload_cell("a")]},
            }),
        );
        let b = file(
            dir.path(),
            "b",
            json!({
                "density": {"cells": [failed("b")]},
                "concurrency": {"cells": [failed("b")]},
                "sandbox_tax": {"cells": [{"workload": "w", "size": "small", "engine": "b", "limit": "fuel",
                    "status": "failed", "error": "planted", "wall_ms": 0}]},
                "wasi_command": command("b"),
                "export_call": export("b"),
                "wasi-programs": {"plan": {}, "cells": [workload_cell("b")]},
                "engine-create": {"plan": {}, "cells": [workload_cell("b")]},
                "component_calls": {"sizes": [16], "cells": [{"component": "plugin-rust", "engine": "b",
                    "status": "failed", "error": "planted", "wall_ms": 0}]},
                "component_invoke": {"component": "c.wasm", "component_sha256": "ef", "invoke": "f()",
                    "engines_agree": true, "cells": [failed("b")]},
                "plugin_calls": {"sizes": [16], "cells": [{"plugin": "plugin-extism", "engine": "b",
                    "status": "failed", "error": "planted", "wall_ms": 0}]},
            }),
        );
        let m = merge(&[a, b]).unwrap();
        let s = &m.scenarios;
        let engines = |cells: Vec<&str>| cells.into_iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(s.throughput.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.latency.as_ref().unwrap().cells.len(), 1);
        let cs = s.cold_start.as_ref().unwrap();
        assert_eq!((cs.cells.len(), cs.process.len(), cs.programs.len()), (1, 1, 1));
        assert_eq!(s.call_overhead.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.memory.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.density.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.concurrency.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.sandbox_tax.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.component_calls.as_ref().unwrap().cells.len(), 1);
        assert_eq!(s.plugin_calls.as_ref().unwrap().cells.len(), 1);
        let wasi: Vec<&str> = s.wasi_command.as_ref().unwrap().cells.iter().map(|c| c.engine.as_str()).collect();
        assert_eq!(engines(wasi), ["a", "b"]);
        let exported: Vec<&str> = s.export_call.as_ref().unwrap().cells.iter().map(|c| c.engine.as_str()).collect();
        assert_eq!(engines(exported), ["a", "b"]);
        assert_eq!(s.other["wasi-programs"].cells.len(), 2);
        assert_eq!(s.other["engine-create"].cells.len(), 1);
        // Every typed section of the list is in the merged file.
        let json = serde_json::to_value(s).unwrap();
        for field in ["throughput", "latency", "cold_start", "call_overhead", "memory", "density", "concurrency"] {
            assert!(json.get(field).is_some(), "{field} lost in the merge");
        }
        assert_eq!(s.component_invoke.as_ref().unwrap().cells.len(), 1);
        for field in
            ["sandbox_tax", "wasi_command", "export_call", "component_calls", "component_invoke", "plugin_calls"]
        {
            assert!(json.get(field).is_some(), "{field} lost in the merge");
        }
        assert_eq!(results::Scenarios::TYPED.len(), 13, "a new typed section needs its line in this test too");
    }

    #[test]
    fn two_different_commands_do_not_merge() {
        let dir = tempfile::tempdir().unwrap();
        let command = |module: &str, engine: &str| {
            json!({"wasi_command": {"module": module, "module_sha256": module, "module_bytes": 1, "args": [], "env": [],
                "dirs": [], "runs": 1, "engines_agree": true,
                "cells": [{"engine": engine, "status": "failed", "error": "planted", "timeout_s": 1, "wall_ms": 0}]}})
        };
        let a = file(dir.path(), "a", command("one.wasm", "a"));
        let b = file(dir.path(), "b", command("two.wasm", "b"));
        let err = format!("{:#}", merge(&[a, b]).unwrap_err());
        assert!(err.contains("different commands"), "{err}");
    }
}
