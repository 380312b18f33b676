//! The claims about components the articles make: a Rust host calls a Python plugin through the
//! same typed interface (does it run, every answer verified, and at what cost against the Rust
//! guest), and the interpreter inside the sandbox adds up (each interpreter guest's time, Python
//! and JavaScript, against the Rust guest's on the same host, for a call that does work).
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

/// The interpreter guests the second claim is decided on: (corpus name, language).
const INTERPRETED: [(&str, &str); 2] = [("plugin-python", "Python"), ("plugin-js", "JavaScript")];

/// The ratio of `guest`'s time to the Rust guest's for `bench` on `host`, its interval from the
/// two intervals (low / high, high / low).
fn ratio(model: &Model, run: usize, host: &str, guest: &str, bench: &str) -> Option<Estimate> {
    let get = |guest: &str| {
        model.find(run, ids::COMPONENT_CALLS, &format!("{guest}: {bench}"), host, "time_per_call").map(|m| m.estimate())
    };
    let (it, rs) = (get(guest)?, get("plugin-rust")?);
    Some(Estimate {
        value: it.value / rs.value,
        ci95_low: it.ci95_low / rs.ci95_high,
        ci95_high: it.ci95_high / rs.ci95_low,
    })
}

fn x(e: &Estimate) -> String {
    format!("{:.1}× [{:.1}, {:.1}]", e.value, e.ci95_low, e.ci95_high)
}

/// "Adds up", from each interpreter guest's ratio to the Rust guest: supported when every
/// ratio's whole interval is above 2×, contradicted when any one's is at or below it.
fn adds_up<'a>(ratios: impl Iterator<Item = &'a Estimate>) -> Verdict {
    let ratios: Vec<&Estimate> = ratios.collect();
    if ratios.is_empty() {
        Verdict::NotMeasured
    } else if ratios.iter().all(|e| e.ci95_low > 2.0) {
        Verdict::Supported
    } else if ratios.iter().any(|e| e.ci95_high <= 2.0) {
        Verdict::Contradicted
    } else {
        Verdict::Inconclusive
    }
}

/// The two claims' rows.
pub fn claims(model: &Model, run: usize) -> Vec<ClaimRow> {
    let typed = "A Rust host can call a Python plugin through the same typed interface";
    let typed_criterion = "the Python guest (componentize-py) of the wasmgauge:plugin WIT world runs on a Rust \
                           host (the Wasmtime driver, typed bindings) with every timed call's answer equal to the \
                           native twin's; measured: its cost against the Rust guest on the same host";
    let adds = "The interpreter inside the sandbox adds up";
    let adds_criterion = "each interpreter guest's time per call (Python: componentize-py; JavaScript: \
                          componentize-js, where measured) over the Rust guest's, same host and interface, for a \
                          call that does work (invert 4 KiB: a checksum and a copy): whole 95% interval above 2×";
    let Some(host) = host(model, run) else {
        let why = "no component-calls cells with both the Rust and the Python guest in these results";
        return vec![
            crate::claim::not_measured(typed, vec![SEED_CLOUDFLARE], typed_criterion, why, run),
            crate::claim::not_measured(adds, vec![SEED_LEFT_BROWSER], adds_criterion, why, run),
        ];
    };
    let noop = ratio(model, run, &host, "plugin-python", "noop");
    let work = ratio(model, run, &host, "plugin-python", "invert 4 KiB");
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
    // Every interpreter guest measured on the host: each one's invert 4 KiB over the Rust guest's.
    let works: Vec<(&str, Estimate)> = INTERPRETED
        .iter()
        .filter_map(|&(guest, language)| Some((language, ratio(model, run, &host, guest, "invert 4 KiB")?)))
        .collect();
    let verdict = adds_up(works.iter().map(|(_, e)| e));
    let adds_measured = if works.is_empty() {
        format!("on {host}: invert 4 KiB not measured")
    } else {
        let each: Vec<String> = works.iter().map(|(language, e)| format!("{language} {}", x(e))).collect();
        format!("on {host}, invert 4 KiB over the Rust guest's: {}", each.join("; "))
    };
    let adds_row = ClaimRow {
        claim: adds,
        sources: vec![SEED_LEFT_BROWSER],
        criterion: adds_criterion.into(),
        measured: adds_measured,
        verdict,
        run,
    };
    vec![typed_row, adds_row]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interpreter_guest_decides_whether_it_adds_up() {
        let e = |l, h| Estimate { value: (l + h) / 2.0, ci95_low: l, ci95_high: h };
        assert_eq!(adds_up([].iter()), Verdict::NotMeasured);
        assert_eq!(adds_up([e(30.0, 40.0), e(5.0, 9.0)].iter()), Verdict::Supported);
        assert_eq!(adds_up([e(30.0, 40.0), e(1.5, 1.9)].iter()), Verdict::Contradicted);
        assert_eq!(adds_up([e(30.0, 40.0), e(1.5, 2.5)].iter()), Verdict::Inconclusive);
    }
}
