//! The claims about components the articles make: a Rust host calls a Python plugin through the
//! same typed interface (does it run, every answer verified, and at what cost against the Rust
//! guest), and the interpreter inside the sandbox adds up (the Python guest's time against the
//! Rust guest's on the same host, for a call that does work).
use crate::claim::{ClaimRow, SEED_CLOUDFLARE, SEED_LEFT_BROWSER, Verdict};
use crate::model::Model;
use results::ids;
use stats::Estimate;

/// The host the guests are compared on: the first configuration with both guests' `noop`.
fn host(model: &Model, run: usize) -> Option<String> {
    let engines = model.engines_with(ids::COMPONENT_CALLS, "time_per_call");
    engines.into_iter().find(|e| {
        ["plugin-rust: noop", "plugin-python: noop"]
            .iter()
            .all(|w| model.find(run, ids::COMPONENT_CALLS, w, e, "time_per_call").is_some())
    })
}

/// The ratio of the Python guest's time to the Rust guest's for `bench` on `host`, its interval
/// from the two intervals (low / high, high / low).
fn ratio(model: &Model, run: usize, host: &str, bench: &str) -> Option<Estimate> {
    let get = |guest: &str| {
        model.find(run, ids::COMPONENT_CALLS, &format!("{guest}: {bench}"), host, "time_per_call").map(|m| m.estimate())
    };
    let (py, rs) = (get("plugin-python")?, get("plugin-rust")?);
    Some(Estimate {
        value: py.value / rs.value,
        ci95_low: py.ci95_low / rs.ci95_high,
        ci95_high: py.ci95_high / rs.ci95_low,
    })
}

fn x(e: &Estimate) -> String {
    format!("{:.1}× [{:.1}, {:.1}]", e.value, e.ci95_low, e.ci95_high)
}

/// The two claims' rows.
pub fn claims(model: &Model, run: usize) -> Vec<ClaimRow> {
    let typed = "A Rust host can call a Python plugin through the same typed interface";
    let typed_criterion = "the Python guest (componentize-py) of the wasmgauge:plugin WIT world runs on a Rust \
                           host (the Wasmtime driver, typed bindings) with every timed call's answer equal to the \
                           native twin's; measured: its cost against the Rust guest on the same host";
    let adds = "The interpreter inside the sandbox adds up";
    let adds_criterion = "Python guest's time per call over the Rust guest's, same host and interface, for a call \
                          that does work (invert 4 KiB: a checksum and a copy): whole 95% interval above 2×";
    let Some(host) = host(model, run) else {
        let why = "no component-calls cells with both the Rust and the Python guest in these results";
        return vec![
            crate::claim::not_measured(typed, vec![SEED_CLOUDFLARE], typed_criterion, why, run),
            crate::claim::not_measured(adds, vec![SEED_LEFT_BROWSER], adds_criterion, why, run),
        ];
    };
    let noop = ratio(model, run, &host, "noop");
    let work = ratio(model, run, &host, "invert 4 KiB");
    let py_noop = model.find(run, ids::COMPONENT_CALLS, "plugin-python: noop", &host, "time_per_call");
    let measured = format!(
        "on {host}: every call verified; Python noop {} ({} the Rust guest's), invert 4 KiB {} the Rust guest's",
        py_noop.map(|m| crate::claim::fmt_est_ns(&m.estimate())).unwrap_or_default(),
        noop.as_ref().map(x).unwrap_or_else(|| "?".into()),
        work.as_ref().map(x).unwrap_or_else(|| "not measured".into()),
    );
    // A Python benchmark that failed (an answer that differed from the native twin's, a trap).
    let failed: Vec<&str> = model
        .problems
        .iter()
        .filter(|p| p.run == run && p.scenario == ids::COMPONENT_CALLS && p.engine == host)
        .filter(|p| p.workload.starts_with("plugin-python: "))
        .map(|p| p.workload.as_str())
        .collect();
    let (verdict, typed_measured) = if failed.is_empty() {
        (Verdict::Supported, measured.clone())
    } else {
        (Verdict::Contradicted, format!("{measured}; FAILED: {}", failed.join(", ")))
    };
    let typed_row = ClaimRow {
        claim: typed,
        sources: vec![SEED_CLOUDFLARE],
        criterion: typed_criterion.into(),
        measured: typed_measured,
        verdict,
        run,
    };
    let verdict = match &work {
        Some(e) if e.ci95_low > 2.0 => Verdict::Supported,
        Some(e) if e.ci95_high <= 2.0 => Verdict::Contradicted,
        Some(_) => Verdict::Inconclusive,
        None => Verdict::NotMeasured,
    };
    let adds_row = ClaimRow {
        claim: adds,
        sources: vec![SEED_LEFT_BROWSER],
        criterion: adds_criterion.into(),
        measured,
        verdict,
        run,
    };
    vec![typed_row, adds_row]
}
