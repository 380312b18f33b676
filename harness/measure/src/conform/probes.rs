//! The in-driver half of `conform features`: each proposal's probe module compiled,
//! instantiated and called (`probe() -> i32`) on the configuration built with that proposal on,
//! in a session of its own; a probe passes when it answers what it should. A configuration that
//! cannot be built with the proposal, or refuses the module, does not support it, whatever its
//! declaration says: the probe tests the runtime, not the registry.

use crate::engine::{Conformance, EngineOptions};
use crate::session::{SessionLimits, Value};
use anyhow::Result;
use protocol::conform::{Probe, ProbeCell, ProbesJob};

/// Every probe of `job` on the configuration `engine` that `build` makes.
pub fn run(
    build: &dyn Fn(EngineOptions) -> Result<Box<dyn Conformance>>,
    engine: &str,
    job: &ProbesJob,
) -> Vec<ProbeCell> {
    job.probes
        .iter()
        .map(|p| {
            let (passed, detail) = match judge(build, p) {
                Ok(detail) => (true, detail),
                Err(detail) => (false, detail),
            };
            ProbeCell { proposal: p.proposal.clone(), engine: engine.to_string(), passed, detail }
        })
        .collect()
}

/// `Ok` with what it answered, or `Err` with the step that failed and why.
fn judge(build: &dyn Fn(EngineOptions) -> Result<Box<dyn Conformance>>, p: &Probe) -> Result<String, String> {
    let options = EngineOptions { features: Some(p.needs.clone()), ..Default::default() };
    let conformance = build(options).map_err(|e| format!("building the configuration with it on: {e:#}"))?;
    let mut session = conformance.session(&SessionLimits::default()).map_err(|e| format!("session: {e:#}"))?;
    let module = session.compile(&p.wasm).map_err(|f| format!("compile: {f}"))?;
    let instance = session.instantiate(module).map_err(|f| format!("instantiate: {f}"))?;
    let answer = session.invoke(instance, "probe", &[]).map_err(|f| format!("call: {f}"))?;
    match answer.as_slice() {
        [Value::I32(got)] if *got == p.expected => Ok(format!("probe() = {got}")),
        other => Err(format!("probe() answered {other:?}, expected {}", p.expected)),
    }
}
