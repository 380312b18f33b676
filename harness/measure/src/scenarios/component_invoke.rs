//! `component-invoke`: one function of a user's component called with WAVE arguments on one
//! component host (the in-driver half of `wasmgauge run --component --invoke`, which plans
//! these cells itself and compares the hosts' answers). Compile and instantiate are timed once;
//! the first call fixes the answer every later call must repeat; the sampler then times the
//! call on that instance.
use crate::component::Refused;
use crate::measurement::{Laps, time_batch};
use crate::sampler::{Sampler, sample_calls};
use crate::scenario::{DriverCell, Outcome, PlannedCell, RunPlan, Scenario, verdict};
use crate::subject::Subject;
use anyhow::{Context, Result, anyhow, bail};
use results::format::fmt_ns;
use results::ids;
use results::measurements::{SetupTimes, ThroughputMeasurement};
use results::plans::SamplingPlan;
use results::{CellStatus, ComponentInvokeCell, ResultsFile};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The `component-invoke` scenario.
pub struct ComponentInvoke;

/// One call of a user's component on one host.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ComponentInvokeTask {
    /// The user's component.
    pub component_path: PathBuf,
    /// The call, in WAVE.
    pub invoke: String,
    /// How the call is sampled.
    pub plan: SamplingPlan,
}

/// What the driver sends back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ComponentInvokeOutput {
    /// The call ran: its results (WAVE) and timing.
    Called {
        /// One WAVE text per result.
        results: Vec<String>,
        /// The call's timing.
        measurement: Box<ThroughputMeasurement>,
    },
    /// The host refused the component or the call (see [`Refused`]).
    Refused(String),
}

fn call(ctx: &DriverCell, task: &ComponentInvokeTask) -> Result<ComponentInvokeOutput> {
    let bytes =
        std::fs::read(&task.component_path).with_context(|| format!("reading {}", task.component_path.display()))?;
    let Subject::Wasm(engine) = ctx.subject else { bail!("a baseline hosts no components") };
    let host = engine.components().ok_or_else(|| anyhow!("{} hosts no components", engine.info().id))?;
    let mut laps = Laps::start();
    let compiled = host.compile_any(&bytes)?;
    let compile_ns = laps.lap();
    let mut prepared = compiled.prepare(&task.invoke)?;
    let setup = SetupTimes { compile_ns: Some(compile_ns), instantiate_ns: Some(laps.lap()), ..Default::default() };
    let batch = |iters| time_batch(iters, || prepared.call());
    let measurement = sample_calls(Sampler::for_typed_loops(), setup, batch, &task.plan)?;
    Ok(ComponentInvokeOutput::Called { results: prepared.answer(), measurement: Box::new(measurement) })
}

impl Scenario for ComponentInvoke {
    fn name(&self) -> &'static str {
        ids::COMPONENT_INVOKE
    }

    fn about(&self) -> &'static str {
        "one function of your component on every component host (`run --component --invoke`)"
    }

    fn default_on(&self) -> bool {
        false
    }

    fn begin(&self, _results: &mut ResultsFile, _run: &RunPlan) {}

    /// `run --component` plans these cells itself.
    fn plan(&self, _run: &RunPlan) -> Result<Vec<PlannedCell>> {
        Ok(vec![])
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let task: ComponentInvokeTask = serde_json::from_value(cell.clone())?;
        let output = match call(ctx, &task) {
            Err(e) => match e.chain().find_map(|c| c.downcast_ref::<Refused>()) {
                Some(refused) => ComponentInvokeOutput::Refused(refused.0.clone()),
                None => return Err(e),
            },
            Ok(called) => called,
        };
        Ok(serde_json::to_value(output)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let wall_ms = outcome.wall_ms();
        let (mut status, mut error, out) = outcome.settle::<ComponentInvokeOutput>();
        let (mut refused, mut answer, mut measurement) = (false, None, None);
        match out {
            Some(ComponentInvokeOutput::Called { results, measurement: m }) => {
                (answer, measurement) = (Some(results), Some(*m))
            }
            Some(ComponentInvokeOutput::Refused(why)) => {
                (status, error, refused) = (CellStatus::Failed, Some(why), true)
            }
            None => {}
        }
        let text = verdict(status, &error, || {
            let median = measurement.as_ref().map(|m: &ThroughputMeasurement| m.median_ns_per_call).unwrap_or_default();
            format!("{} per call", fmt_ns(median))
        });
        if let Some(section) = results.scenarios.component_invoke.as_mut() {
            let engine = cell.subject.clone();
            section.cells.push(ComponentInvokeCell {
                engine,
                status,
                error,
                refused,
                results: answer,
                measurement,
                wall_ms,
            });
        }
        (status, text)
    }
}
