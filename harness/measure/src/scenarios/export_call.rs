//! `export-call`: one export of a user's module called with fixed arguments on one engine (the
//! in-driver half of `wasmgauge run --module`, which plans these cells itself and compares the
//! engines' answers). The first call fixes the answer every later call must repeat; the
//! sampler then times the call.
use crate::executor::export_call::ExportCallExecutor;
use crate::executor::{Executor, WorkloadCode};
use crate::scenario::{DriverCell, Outcome, PlannedCell, RunPlan, Scenario, verdict};
use anyhow::{Context, Result};
use results::format::fmt_ns;
use results::ids;
use results::measurements::ThroughputMeasurement;
use results::plans::SamplingPlan;
use results::{CellStatus, ExportCallCell, ResultsFile, Val, ValType};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The `export-call` scenario.
pub struct ExportCall;

/// One export call on one engine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportCallTask {
    /// The user's module.
    pub wasm_path: PathBuf,
    /// The export called.
    pub export: String,
    /// Its arguments.
    pub args: Vec<Val>,
    /// Its result types.
    pub result_types: Vec<ValType>,
    /// How the call is sampled.
    pub plan: SamplingPlan,
}

/// What the driver sends back: the results of the call and its timing.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportCallOutput {
    /// What the first call returned.
    pub results: Vec<Val>,
    /// The call's timing.
    pub measurement: ThroughputMeasurement,
}

impl Scenario for ExportCall {
    fn name(&self) -> &'static str {
        ids::EXPORT_CALL
    }

    fn about(&self) -> &'static str {
        "one export of your module on every engine (`run --module`)"
    }

    fn default_on(&self) -> bool {
        false
    }

    fn begin(&self, _results: &mut ResultsFile, _run: &RunPlan) {}

    /// `run --module` plans these cells itself.
    fn plan(&self, _run: &RunPlan) -> Result<Vec<PlannedCell>> {
        Ok(vec![])
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let task: ExportCallTask = serde_json::from_value(cell.clone())?;
        let wasm = std::fs::read(&task.wasm_path).with_context(|| format!("reading {}", task.wasm_path.display()))?;
        let engine = (ctx.rebuild)(ctx.options)?.into_engine()?;
        let mut exec = ExportCallExecutor::new(engine, &task.export, task.args.clone(), task.result_types.clone());
        let code = WorkloadCode { name: &task.export, wasm: &wasm };
        // The first call on this engine fixes the answer every later call must repeat; the
        // orchestrator then checks that all engines agree on it.
        exec.prepare(&code, &[])?;
        let fingerprint = exec.call()?;
        let results = exec.last_results().to_vec();
        let measurement = crate::sampler::sample_workload(&mut exec, &code, &[], fingerprint, &task.plan)?;
        Ok(serde_json::to_value(ExportCallOutput { results, measurement })?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let wall_ms = outcome.wall_ms();
        let (status, error, out) = outcome.settle::<ExportCallOutput>();
        let text = verdict(status, &error, || {
            format!("{} per call", fmt_ns(out.as_ref().expect("ok").measurement.median_ns_per_call))
        });
        if let Some(section) = results.scenarios.export_call.as_mut() {
            let (results, measurement) = out.map(|o| (o.results, o.measurement)).unzip();
            section.cells.push(ExportCallCell {
                engine: cell.subject.clone(),
                status,
                error,
                results,
                measurement,
                wall_ms,
            });
        }
        (status, text)
    }
}
