//! "Claims from the field": each claim the seed articles make (listed in `shared/design.md`),
//! the figure from the results that tests it, the criterion, and a verdict. No verdict without
//! a number: a claim whose scenario is not in the results is "not measured".
pub use super::claim::*;
use super::model::{GEOMEAN, Metric, Model};
use results::ids;
use stats::Estimate;

/// `value < limit` judged on the interval: supported when all of it is below.
fn below(e: &Estimate, limit: f64) -> Verdict {
    if e.ci95_high < limit {
        Verdict::Supported
    } else if e.ci95_low >= limit {
        Verdict::Contradicted
    } else {
        Verdict::Inconclusive
    }
}

fn fmt_est_x(e: &Estimate) -> String {
    results::format::fmt_estimate(e, |v| format!("{v:.2}×"))
}

/// The WebAssembly configurations' figures for one metric, fastest first.
pub(crate) fn wasm_ranked<'a>(
    model: &'a Model,
    run: usize,
    scenario: &str,
    workload: &str,
    metric: &str,
) -> Vec<&'a Metric> {
    let mut v: Vec<&Metric> = model
        .engines
        .iter()
        .filter(|e| !model.is_baseline(e))
        .filter_map(|e| model.find(run, scenario, workload, e, metric))
        .collect();
    v.sort_by(|a, b| a.value.total_cmp(&b.value));
    v
}

/// "best X: figure; slowest Y: figure" for a ranked list.
fn best_and_worst(ranked: &[&Metric], fmt: &dyn Fn(&Estimate) -> String) -> String {
    match (ranked.first(), ranked.last()) {
        (Some(b), Some(w)) if ranked.len() > 1 => format!(
            "fastest {}: {}; slowest {}: {} ({} configurations)",
            b.engine,
            fmt(&b.estimate()),
            w.engine,
            fmt(&w.estimate()),
            ranked.len()
        ),
        (Some(b), _) => format!("{}: {}", b.engine, fmt(&b.estimate())),
        _ => String::new(),
    }
}

/// A claim judged on the fastest WebAssembly configuration against a limit.
#[allow(clippy::too_many_arguments)]
fn fastest_below(
    model: &Model,
    run: usize,
    claim: &'static str,
    sources: Vec<&'static str>,
    criterion: String,
    (scenario, workload, metric): (&str, &str, &str),
    limit: f64,
    fmt: &dyn Fn(&Estimate) -> String,
    missing: &str,
) -> ClaimRow {
    let ranked = wasm_ranked(model, run, scenario, workload, metric);
    match ranked.first() {
        None => not_measured(claim, sources, &criterion, missing, run),
        Some(best) => ClaimRow {
            claim,
            sources,
            criterion,
            measured: best_and_worst(&ranked, fmt),
            verdict: below(&best.estimate(), limit),
            run,
        },
    }
}

/// The throughput geomean key to judge speed on: large inputs when the run has them.
fn geomean_key(model: &Model, run: usize) -> String {
    let large = format!("{GEOMEAN}/large");
    if model.metrics.iter().any(|m| m.run == run && m.workload == large) { large } else { format!("{GEOMEAN}/small") }
}

/// The claims of run `run`, decided from its trusted figures only (none beyond the machine's
/// limits: [`Model::trusted`]).
pub fn evaluate(model: &Model, run: usize) -> Vec<ClaimRow> {
    let trusted;
    let model = if model.metrics.iter().any(|m| m.implausible.is_some()) {
        trusted = model.trusted();
        &trusted
    } else {
        model
    };
    let ns = |e: &Estimate| fmt_est_ns(e);
    let mut rows = Vec::new();
    let no_cold = "no cold-start scenario in these results";
    rows.push(fastest_below(
        model,
        run,
        "A Wasm module starts in under 1 ms",
        vec![SEED_SERVER_SIDE],
        "fastest configuration, inside a running host, from a precompiled artifact to the first verified answer \
         (deserialize + instantiate + first call; geomean over the workloads): whole 95% interval below 1 ms"
            .into(),
        (ids::COLD_START, GEOMEAN, "end_to_end_from_artifact"),
        1e6,
        &ns,
        no_cold,
    ));
    rows.push(fastest_below(
        model,
        run,
        "A Wasm module starts in under 1 ms (as a fresh process)",
        vec![SEED_SERVER_SIDE],
        "fastest configuration, exec of a fresh process to its verified answer (geomean over the workloads): \
         whole interval below 1 ms"
            .into(),
        (ids::PROCESS_START, GEOMEAN, "exec_to_answer"),
        1e6,
        &ns,
        no_cold,
    ));
    // "Cold starts" of a host that keeps its modules loaded: each further instance of a
    // compiled module (density's instantiate-and-drop rate on one thread), not the first
    // instance after a compile, which the summary shows on a row of its own.
    let further = model.workloads(ids::DENSITY, "instantiate_each_one_thread").into_iter().next();
    rows.push(fastest_below(
        model,
        run,
        "Cold starts in microseconds, not milliseconds",
        vec![SEED_LEFT_BROWSER, SEED_OUTSIDE_BROWSER],
        "fastest configuration, each further instance of an already compiled module on one thread (density: \
         instantiate and drop, 1 / rate): below 1 ms"
            .into(),
        (ids::DENSITY, further.as_deref().unwrap_or("json"), "instantiate_each_one_thread"),
        1e6,
        &ns,
        "no density scenario in these results",
    ));
    rows.push(fastest_below(
        model,
        run,
        "Median cold start under 5 ms, vs 100–500 ms for containers",
        vec![SEED_CLOUDFLARE, SEED_SERVER_SIDE],
        "fastest configuration, fresh process to verified answer (geomean over the workloads): whole interval \
         below 5 ms (containers are not measured here; the articles quote 100 ms – 2 s for them)"
            .into(),
        (ids::PROCESS_START, GEOMEAN, "exec_to_answer"),
        5e6,
        &ns,
        no_cold,
    ));
    rows.push(near_native(model, run));
    let [crossing, round_trip] = sandbox_tax(model, run);
    rows.push(crossing);
    rows.push(heavy_wasi_io(model, run));
    rows.push(round_trip);
    rows.push(thousands_of_instances(model, run));
    rows.push(fraction_of_memory(model, run));
    rows.extend(super::component_claims::claims(model, run));
    rows.extend(super::conformance::claims(model, run));
    rows
}

/// "Near-native speed": the fastest configuration's geometric mean of time per call over the
/// corpus relative to the faster of the two natives (portable `native`, or the host-tuned one
/// when the run has it and it is faster), whole interval at or below 1.5×. The ratios are
/// stored against the portable native; against the tuned one they are divided by its own
/// geomean ratio (a point: its interval is not carried over).
fn near_native(model: &Model, run: usize) -> ClaimRow {
    let claim = "Near-native speed";
    let sources = vec![SEED_LEFT_BROWSER, SEED_OUTSIDE_BROWSER, SEED_SERVER_SIDE, SEED_PORTABLE_SECURE];
    let key = geomean_key(model, run);
    let size = key.trim_start_matches(GEOMEAN).trim_start_matches('/').to_string();
    let portable = model.subject_of_kind(run, results::SubjectKind::Native).unwrap_or("native").to_string();
    let tuned = model
        .runs
        .get(run)
        .and_then(|r| r.results.tuned_native_id())
        .and_then(|e| Some((e.to_string(), model.find(run, ids::THROUGHPUT, &key, e, "ratio_to_native")?.value)));
    let (against, scale, which) = match &tuned {
        Some((id, t)) if *t < 1.0 => {
            (id.clone(), *t, format!("against {id}, the faster native here ({t:.3}× {portable}'s time)"))
        }
        Some((id, t)) => (portable.clone(), 1.0, format!("against {portable}, the faster native here ({id}: {t:.3}×)")),
        None => (portable.clone(), 1.0, format!("against {portable} (this run has no host-tuned native)")),
    };
    let criterion = format!(
        "fastest configuration's geometric mean over the corpus of time per call relative to the faster native \
         ({size}; the portable build or the one tuned for this CPU): whole 95% interval at or below 1.5× (our \
         reading of \"near\")"
    );
    let ranked = wasm_ranked(model, run, ids::THROUGHPUT, &key, "ratio_to_native");
    let Some(best) = ranked.first() else {
        return not_measured(claim, sources, &criterion, "no throughput scenario in these results", run);
    };
    let e = best.estimate();
    let rel = scaled(&e, scale);
    let worst = ranked.last().map(|w| format!("; slowest {}: {}", w.engine, fmt_est_x(&scaled(&w.estimate(), scale))));
    ClaimRow {
        claim,
        sources,
        criterion,
        measured: format!(
            "{which}: fastest {}: {}{} ({} configurations; {against} = 1×)",
            best.engine,
            fmt_est_x(&rel),
            worst.unwrap_or_default(),
            ranked.len()
        ),
        verdict: below(&rel, 1.5),
        run,
    }
}

/// An estimate over `scale`.
fn scaled(e: &Estimate, scale: f64) -> Estimate {
    Estimate { value: e.value / scale, ci95_low: e.ci95_low / scale, ci95_high: e.ci95_high / scale }
}

/// WebAssembly configurations' point figures for a metric, best first (`higher`: larger is better).
fn wasm_points<'a>(model: &'a Model, run: usize, scenario: &str, metric: &str, higher: bool) -> Vec<&'a Metric> {
    let mut v: Vec<&Metric> = model
        .metrics
        .iter()
        .filter(|m| m.run == run && m.scenario == scenario && m.metric == metric && !model.is_baseline(&m.engine))
        .filter(|m| m.value.is_finite())
        .collect();
    v.sort_by(|a, b| if higher { b.value.total_cmp(&a.value) } else { a.value.total_cmp(&b.value) });
    v
}

/// "Thousands of instances per host": live instances per GiB of the best configuration.
fn thousands_of_instances(model: &Model, run: usize) -> ClaimRow {
    let claim = "Thousands of instances per host";
    let criterion = "best configuration: at least 1,000 live instances, each having served a verified request, per GiB \
                     of resident memory (density scenario; a host has many GiB)";
    let ranked = wasm_points(model, run, ids::DENSITY, "instances_per_gib", true);
    let (Some(best), Some(worst)) = (ranked.first(), ranked.last()) else {
        return not_measured(claim, vec![SEED_SERVER_SIDE], criterion, "no density scenario in these results", run);
    };
    let live = |m: &Metric| model.find(run, ids::DENSITY, &m.workload, &m.engine, "live_instances");
    let describe = |m: &Metric| match live(m) {
        Some(l) => format!("{} {:.0} per GiB ({:.0} live, stopped by {})", m.engine, m.value, l.value, l.note),
        None => format!("{} {:.0} per GiB", m.engine, m.value),
    };
    let process = model
        .subject_of_kind(run, results::SubjectKind::Subprocess)
        .and_then(|id| model.find(run, ids::DENSITY, &best.workload, id, "instances_per_gib"));
    let mut measured = format!("`{}`: best {}; worst {}", best.workload, describe(best), describe(worst));
    if let Some(p) = process {
        measured += &format!("; subprocess: {:.0} processes per GiB", p.value);
    }
    let verdict = if best.value >= 1000.0 { Verdict::Supported } else { Verdict::Contradicted };
    ClaimRow { claim, sources: vec![SEED_SERVER_SIDE], criterion: criterion.into(), measured, verdict, run }
}

/// "A fraction of the memory": bytes per live instance against one more process.
fn fraction_of_memory(model: &Model, run: usize) -> ClaimRow {
    let claim = "A Wasm module uses a fraction of the memory of a container or process";
    let criterion = "every configuration: memory per live instance (64 KiB guest page touched) below a quarter of the \
                     private memory of one more native process serving a request (containers are not measured)";
    let ranked = wasm_points(model, run, ids::MEMORY, "bytes_per_instance", false);
    let process =
        model.metrics.iter().find(|m| m.run == run && m.scenario == ids::MEMORY && m.metric == "process_private_bytes");
    let (Some(best), Some(worst), Some(process)) = (ranked.first(), ranked.last(), process) else {
        return not_measured(
            claim,
            vec![SEED_SERVER_SIDE],
            criterion,
            "no memory scenario (with subprocess) in these results",
            run,
        );
    };
    let b = results::format::fmt_bytes;
    let measured = format!(
        "per instance: {} {} to {} {}; one more process: {} private ({} RSS); worst instance = {:.2} of a process",
        best.engine,
        b(best.value),
        worst.engine,
        b(worst.value),
        b(process.value),
        model
            .find(run, ids::MEMORY, &process.workload, &process.engine, "process_rss_bytes")
            .map_or(String::new(), |r| b(r.value)),
        worst.value / process.value
    );
    let verdict = if worst.value < process.value / 4.0 { Verdict::Supported } else { Verdict::Contradicted };
    ClaimRow { claim, sources: vec![SEED_SERVER_SIDE], criterion: criterion.into(), measured, verdict, run }
}

/// Compares the cheapest WebAssembly configuration's time with native's on one figure
/// (`scenario`, `workload`, `metric`): supported when it is slower with the intervals apart.
fn slower_than_native(model: &Model, run: usize, figure: (&str, &str, &str)) -> Option<(Verdict, String)> {
    let (scenario, bench, metric) = figure;
    let ranked = wasm_ranked(model, run, scenario, bench, metric);
    let native_id = model.subject_of_kind(run, results::SubjectKind::Native)?;
    let native = model.find(run, scenario, bench, native_id, metric)?;
    let (b, n) = (ranked.first()?.estimate(), native.estimate());
    let verdict = if b.ci95_low > n.ci95_high {
        Verdict::Supported
    } else if b.ci95_high < n.ci95_low {
        Verdict::Contradicted
    } else {
        Verdict::Inconclusive
    };
    let text = format!(
        "{bench}: native {}; {} (fastest {:.2}× native)",
        fmt_est_ns(&n),
        best_and_worst(&ranked, &|e: &Estimate| fmt_est_ns(e)),
        b.value / n.value
    );
    Some((verdict, text))
}

/// Both verdicts agree: that one; otherwise inconclusive.
fn both(a: Verdict, b: Verdict) -> Verdict {
    if a == b { a } else { Verdict::Inconclusive }
}

/// "Heavy I/O through the boundary loses speed", judged on WASI file I/O (`wasi-io`): the
/// cheapest configuration's 1 MiB file write and 1 MiB file read against the same program
/// native; supported when both are slower with the intervals apart.
fn heavy_wasi_io(model: &Model, run: usize) -> ClaimRow {
    let claim = "Heavy I/O through the boundary loses speed";
    let criterion = "cheapest configuration's cost of one 1 MiB file write and of one 1 MiB file read through WASI \
                     (wasi-io: seek + write or read, each run's loop of K operations timed by the program itself) slower than the \
                     same Rust program built natively, intervals apart, for both";
    let ops = ["write 1 MiB", "read 1 MiB"].map(|op| slower_than_native(model, run, (ids::WASI_IO, op, "ns_per_op")));
    match ops {
        [Some((vw, tw)), Some((vr, tr))] => ClaimRow {
            claim,
            sources: vec![SEED_PORTABLE_SECURE],
            criterion: criterion.into(),
            measured: format!("{tw}. {tr}"),
            verdict: both(vw, vr),
            run,
        },
        _ => not_measured(
            claim,
            vec![SEED_PORTABLE_SECURE],
            criterion,
            "no trusted wasi-io figures in these results (none measured, or flagged beyond the machine's limits)",
            run,
        ),
    }
}

/// "The sandbox is not free", split in its two parts: the cost of a crossing, and of bulk data
/// through the boundary.
fn sandbox_tax(model: &Model, run: usize) -> [ClaimRow; 2] {
    let missing = "no call-overhead scenario in these results";
    let crossing = (
        "The sandbox is not free: crossing the host boundary costs",
        "cheapest configuration's call from the guest to a host import slower than native code calling the same \
         host function, intervals apart",
        "guest-to-host",
    );
    let bulk = (
        "Heavy I/O through the boundary loses speed (memory round trip)",
        "cheapest configuration's 1 MiB round trip (host writes into guest memory, guest checksums and inverts it, \
         host reads it back) slower than native doing the same on a slice, intervals apart (no WASI call: the \
         row above judges WASI file I/O)",
        "data 1 MiB",
    );
    [crossing, bulk].map(|(claim, criterion, bench)| {
        match slower_than_native(model, run, (ids::CALL_OVERHEAD, bench, "time_per_call")) {
            Some((verdict, measured)) => ClaimRow {
                claim,
                sources: vec![SEED_PORTABLE_SECURE],
                criterion: criterion.into(),
                measured,
                verdict,
                run,
            },
            None => not_measured(claim, vec![SEED_PORTABLE_SECURE], criterion, missing, run),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_whole_interval() {
        let e = |v, l, h| Estimate { value: v, ci95_low: l, ci95_high: h };
        assert_eq!(below(&e(0.5, 0.4, 0.6), 1.0), Verdict::Supported);
        assert_eq!(below(&e(2.0, 1.5, 2.5), 1.0), Verdict::Contradicted);
        assert_eq!(below(&e(0.9, 0.8, 1.1), 1.0), Verdict::Inconclusive);
    }

    #[test]
    fn an_empty_model_measures_nothing_and_claims_nothing() {
        let model = Model { runs: vec![], engines: vec![], metrics: vec![], problems: vec![] };
        let rows = evaluate(&model, 0);
        assert!(rows.len() >= 10);
        assert!(rows.iter().all(|r| r.verdict == Verdict::NotMeasured && !r.measured.is_empty()));
    }
}
