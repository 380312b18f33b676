//! The `engine-create` scenario: how long building a configuration's engine takes (what a
//! short-lived host, a CLI or a per-request process pays before it can compile anything), as the
//! median of repeated builds with its interval. After timing, the last engine built compiles and
//! calls the `empty` micro-module once, so a figure always comes from an engine that works.
//! Not measured by default (`--scenarios engine-create`); it has no typed section of its own and
//! records into a generic one, its cells carrying their figures.
use crate::engine::Val;
use crate::scenario::{DriverCell, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, begin_generic, record_generic};
use crate::summary::View;
use anyhow::{Context, Result, bail};
use results::format::fmt_ns;
use results::generic::Figure;
use results::ids;
use results::{CellStatus, ResultsFile};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The `engine-create` scenario.
pub struct EngineCreate;

const NAME: &str = ids::ENGINE_CREATE;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    repetitions: usize,
    /// The `empty` micro-module the last engine runs once.
    empty_wasm: PathBuf,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Measurement {
    samples_ns: Vec<u64>,
}

impl Scenario for EngineCreate {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "time to build a configuration's engine, verified by one call on it (not in the default set)"
    }

    fn default_on(&self) -> bool {
        false
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) {
            begin_generic(results, NAME, serde_json::json!({ "repetitions": 20 }));
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        if !run.is_selected(NAME) {
            return Ok(vec![]);
        }
        let cell = Cell { repetitions: 20, empty_wasm: run.corpus_dir.join("empty.wasm") };
        let wasm = run.subjects.iter().filter(|s| s.capabilities.as_ref().is_some_and(|c| c.is_wasm()));
        wasm.map(|s| PlannedCell::new(NAME, format!("{NAME} on {}", s.id), &s.id, run.options, PROCESS_MS + 500, &cell))
            .collect()
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: Cell = serde_json::from_value(cell.clone())?;
        let mut samples_ns = Vec::with_capacity(cell.repetitions);
        let mut last = None;
        for _ in 0..cell.repetitions.max(1) {
            let (subject, ns) = crate::measurement::time(|| (ctx.rebuild)(ctx.options));
            samples_ns.push(ns);
            last = Some(subject?);
        }
        let subject = last.expect("at least one build");
        let engine = subject.engine()?;
        let wasm = std::fs::read(&cell.empty_wasm).with_context(|| format!("reading {}", cell.empty_wasm.display()))?;
        let mut instance = engine.instantiate(engine.compile(&wasm)?.as_ref())?;
        let f = instance.func("empty")?;
        let mut none: [Val; 0] = [];
        instance.call(f, &[], &mut none)?;
        if samples_ns.is_empty() {
            bail!("no build was timed");
        }
        Ok(serde_json::to_value(Measurement { samples_ns })?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        record_generic(results, NAME, cell, "", None, outcome, |m: &Measurement| {
            vec![Figure::from_samples("create_engine", "ns", m.samples_ns.iter().map(|&v| v as f64).collect())]
        })
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        if view.engines_in(NAME).is_empty() {
            return vec![];
        }
        let table = view.matrix(NAME, "create_engine", |c| fmt_ns(c.value));
        vec![format!("Engine creation: median time to build the configuration's engine:\n{table}")]
    }
}
