//! The runtime selection view, shared by the page and `summary.md`: the support matrix (which
//! configuration took part in which scenario and conformance check: declared in the subject
//! registry, recorded in the results file's capabilities, and what actually ran), the
//! configurations grouped by kind of execution, and a generated "which to pick for what" table,
//! each pick linking to the section its figure comes from.
use super::model::{GEOMEAN, Model};
use super::tables::fmt_value;
use results::ids;
use results::{Capabilities, ExecutionKind, SubjectKind};

/// What one configuration did in one column of the support matrix.
#[derive(Clone, Debug, PartialEq)]
pub enum Support {
    /// It ran: this many figures came out (and `partial` says what was limited).
    Ran { figures: usize, partial: Option<&'static str> },
    /// It was planned and failed or was skipped (this many cells; the first message).
    Failed { cells: usize, first: String },
    /// Its registry line leaves it out, and why.
    NotDeclared(String),
    /// It could take part, but this run did not select the scenario.
    NotRun,
}

impl Support {
    pub fn text(&self) -> String {
        match self {
            Support::Ran { partial: Some(p), .. } => format!("✓ ({p})"),
            Support::Ran { .. } => "✓".into(),
            Support::Failed { cells, .. } => format!("✗ {cells} failed"),
            Support::NotDeclared(_) => "—".into(),
            Support::NotRun => "not run".into(),
        }
    }

    /// The longer explanation (a tooltip on the page).
    pub fn detail(&self) -> String {
        match self {
            Support::Ran { figures, partial } => {
                format!("{figures} figures{}", partial.map(|p| format!("; {p}")).unwrap_or_default())
            }
            Support::Failed { first, .. } => first.clone(),
            Support::NotDeclared(why) => why.clone(),
            Support::NotRun => "not selected in this run".into(),
        }
    }
}

/// The columns: (heading, the scenario name its figures and failures carry).
pub const COLUMNS: [(&str, &str); 14] = [
    (ids::THROUGHPUT, ids::THROUGHPUT),
    (ids::LATENCY, ids::LATENCY),
    ("cold start", ids::COLD_START),
    ("process start", ids::PROCESS_START),
    ("call overhead", ids::CALL_OVERHEAD),
    (ids::MEMORY, ids::MEMORY),
    (ids::DENSITY, ids::DENSITY),
    (ids::CONCURRENCY, ids::CONCURRENCY),
    ("sandbox tax", ids::SANDBOX_TAX),
    ("WASI programs", ids::WASI_PROGRAMS),
    ("WASI I/O", ids::WASI_IO),
    ("spec testsuite", "spec"),
    ("sandbox checks", "sandbox"),
    ("WASI checks", "wasi"),
];

/// Why the registry leaves a configuration out of a column, if it does.
fn declared_out(c: &Capabilities, column: &str) -> Option<String> {
    let native = c.kind != SubjectKind::Wasm;
    if let Some(why) = c.why_left_out(column) {
        return Some(why.to_string());
    }
    let why = match column {
        "spec" | "sandbox" | "wasi" if native => Some("native code: nothing to check"),
        "spec" | "sandbox" if !c.conformance => Some("no conformance session in its driver"),
        "wasi" if c.wasi.is_none() || !c.conformance => Some("no WASI layer in its driver"),
        ids::WASI_PROGRAMS | ids::WASI_IO if c.wasi.is_none() && !native => Some("no WASI layer in its driver"),
        ids::SANDBOX_TAX if c.limits == results::Limits::NONE => {
            Some("no limit it can switch on (fuel, epochs, bounds checks)")
        }
        ids::MEMORY | ids::DENSITY if !c.instances && c.kind != SubjectKind::Subprocess => {
            Some("no instances it can keep alive (or not through this embedding)")
        }
        ids::COMPONENT_CALLS if !c.hosts_components() => {
            Some("hosts no components (the engines table says why: `wasmgauge engines`)")
        }
        s if !c.takes_part_in(s) => Some("its registry line names the scenarios it takes part in; not this one"),
        _ => None,
    };
    why.map(String::from)
}

pub struct SupportRow {
    pub engine: String,
    pub kind: Option<ExecutionKind>,
    /// Throughput workload cells that answered correctly, of those planned (`8/10`).
    pub workloads: String,
    /// The proposals its conformance side declares (from the spec section), or `–`.
    pub proposals: String,
    pub cells: Vec<Support>,
}

/// The figures of `engine` in run `run` that belong to `column`.
fn figures(model: &Model, run: usize, engine: &str, column: &str) -> usize {
    let r = &model.runs[run].results;
    let conformance = r.conformance.as_ref();
    match column {
        "spec" => conformance
            .and_then(|c| c.spec.as_ref())
            .map_or(0, |s| s.files.iter().filter(|f| f.engine == engine).count()),
        "sandbox" => conformance
            .and_then(|c| c.sandbox.as_ref())
            .map_or(0, |s| s.cells.iter().filter(|c| c.engine == engine).count()),
        "wasi" => conformance
            .and_then(|c| c.wasi.as_ref())
            .map_or(0, |s| s.cells.iter().filter(|c| c.engine == engine).count()),
        _ => model.metrics.iter().filter(|m| m.run == run && m.engine == engine && m.scenario == column).count(),
    }
}

/// One row per configuration of run `run`, in the run's order.
pub fn support_matrix(model: &Model, run: usize) -> Vec<SupportRow> {
    let r = &model.runs[run].results;
    r.engines
        .iter()
        .map(|e| {
            let caps = e.capabilities.clone().unwrap_or_default();
            let cells = COLUMNS
                .iter()
                .map(|(_, column)| {
                    let failed: Vec<_> = model
                        .problems
                        .iter()
                        .filter(|p| p.run == run && p.engine == e.id && p.scenario == *column)
                        .collect();
                    let n = figures(model, run, &e.id, column);
                    if n > 0 {
                        let partial = (*column == ids::CONCURRENCY && !caps.threads)
                            .then_some("one thread: a single-threaded runtime");
                        Support::Ran { figures: n, partial }
                    } else if let Some(first) = failed.first() {
                        Support::Failed { cells: failed.len(), first: first.message.clone() }
                    } else if let Some(why) = declared_out(&caps, column) {
                        Support::NotDeclared(why)
                    } else {
                        Support::NotRun
                    }
                })
                .collect();
            let throughput = r.scenarios.throughput.as_ref().map(|t| {
                let mine: Vec<_> = t.cells.iter().filter(|c| c.engine == e.id).collect();
                let ok = mine.iter().filter(|c| c.status == results::CellStatus::Ok).count();
                (ok, mine.len())
            });
            let workloads = match throughput {
                Some((ok, all)) if all > 0 => format!("{ok}/{all}"),
                _ => "–".into(),
            };
            let proposals = r
                .conformance
                .as_ref()
                .and_then(|c| c.spec.as_ref())
                .and_then(|s| s.supported.get(&e.id).cloned())
                .unwrap_or_else(|| "–".into());
            SupportRow { engine: e.id.clone(), kind: caps.execution, workloads, proposals, cells }
        })
        .collect()
}

/// One row of "which to pick for what".
pub struct Pick {
    pub need: &'static str,
    /// The section of the page the figure comes from.
    pub anchor: &'static str,
    /// The configuration with the best figure.
    pub engine: String,
    pub figure: String,
    pub runner_up: Option<(String, String)>,
    /// Whether the best figure's interval clears the runner-up's (else nobody is crowned).
    pub clear: bool,
}

impl Pick {
    /// What the pick column says: the configuration, or that the measurement does not
    /// separate it from the runner-up.
    pub fn verdict(&self) -> String {
        if self.clear { self.engine.clone() } else { format!("not a clear winner ({} leads)", self.engine) }
    }
}

/// One configuration's figure in a ranking: its value, the value as text (with its 95%
/// interval where the figure has one) and the interval.
struct Ranked {
    engine: String,
    value: f64,
    text: String,
    ci95: Option<(f64, f64)>,
}

impl Ranked {
    fn plain(engine: &str, value: f64, text: String) -> Ranked {
        Ranked { engine: engine.to_string(), value, text, ci95: None }
    }
}

/// The WebAssembly configurations' figures for one metric (lower is better), best first: the
/// claims' ranking.
fn ranked(model: &Model, run: usize, scenario: &str, workload: &str, metric: &str) -> Vec<Ranked> {
    super::claims::wasm_ranked(model, run, scenario, workload, metric)
        .into_iter()
        .filter(|m| m.value.is_finite())
        .map(|m| {
            let mut text = fmt_value(&m.unit, m.value);
            if let Some((lo, hi)) = m.ci95 {
                text = format!("{text} [{}, {}]", fmt_value(&m.unit, lo), fmt_value(&m.unit, hi));
            }
            Ranked { engine: m.engine.clone(), value: m.value, text, ci95: m.ci95 }
        })
        .collect()
}

/// The first of `list` is the pick, the second its runner-up. When the two figures' 95%
/// intervals overlap, the pick says so: the measurement does not separate them.
fn pick(need: &'static str, anchor: &'static str, list: Vec<Ranked>, figure: &dyn Fn(&str) -> String) -> Option<Pick> {
    let mut it = list.into_iter();
    let best = it.next()?;
    let second = it.next();
    let mut text = figure(&best.text);
    let mut clear = true;
    if let (Some((lo, hi)), Some((lo2, hi2))) = (best.ci95, second.as_ref().and_then(|s| s.ci95))
        && lo <= hi2
        && lo2 <= hi
    {
        text.push_str("; its interval overlaps the runner-up's: not a clear winner");
        clear = false;
    }
    let runner_up = second.map(|s| (s.engine, figure(&s.text)));
    Some(Pick { need, anchor, engine: best.engine, figure: text, runner_up, clear })
}

/// The generated "which to pick for what" table of run `run`, from its measured figures only
/// (a need whose figures are not in the run has no row).
pub fn picks(model: &Model, run: usize) -> Vec<Pick> {
    let mut out = Vec::new();
    let g = GEOMEAN;
    let same = |t: &str| t.to_string();
    out.extend(pick(
        "fastest cold start from wasm bytes (compile + instantiate + first answer)",
        ids::COLD_START,
        ranked(model, run, ids::COLD_START, g, "end_to_end"),
        &|t| format!("{t} (geomean over the workloads)"),
    ));
    let large = format!("{g}/large");
    let steady_key =
        if model.find_any(run, ids::THROUGHPUT, &large, "ratio_to_native") { large } else { format!("{g}/small") };
    out.extend(pick(
        "fastest steady state (time per call ÷ native)",
        ids::THROUGHPUT,
        ranked(model, run, ids::THROUGHPUT, &steady_key, "ratio_to_native"),
        &|t| format!("{t} ({})", steady_key.replace('/', ", ")),
    ));
    out.extend(pick(
        "fastest further instance of a loaded module (one thread)",
        "hosting",
        model
            .workloads(ids::DENSITY, "instantiate_each_one_thread")
            .first()
            .map(|w| ranked(model, run, ids::DENSITY, w, "instantiate_each_one_thread"))
            .unwrap_or_default(),
        &same,
    ));
    out.extend(pick(
        "least memory per live instance (64 KiB touched)",
        "hosting",
        ranked(model, run, ids::MEMORY, "mem_touch", "bytes_per_instance"),
        &same,
    ));
    // Scaling: requests per second at the highest level that is not above the core count,
    // over one thread's.
    let levels = model.workloads(ids::CONCURRENCY, "requests_per_s");
    let threads_of = |k: &str| k.split(' ').next().and_then(|n| n.parse::<usize>().ok());
    let cores = model.runs[run].results.environment.logical_cores.max(1);
    let top = levels.iter().filter_map(|k| threads_of(k)).filter(|&t| t <= cores).max();
    if let Some(top) = top.filter(|&t| t > 1) {
        let key = format!("{top} threads");
        let all: Vec<Ranked> = model
            .engines
            .iter()
            .filter(|e| !model.is_baseline(e))
            .filter_map(|e| {
                let one = model.find(run, ids::CONCURRENCY, "1 threads", e, "requests_per_s")?.value;
                let all = model.find(run, ids::CONCURRENCY, &key, e, "requests_per_s")?.value;
                let s = all / one;
                s.is_finite().then(|| Ranked::plain(e, s, format!("{s:.2}× from 1 to {top} threads")))
            })
            .collect();
        // Scaling above the ideal line (N threads, N times one thread's rate) is noise: never
        // picked, and said so.
        let (mut list, noise): (Vec<Ranked>, Vec<Ranked>) = all.into_iter().partition(|r| r.value <= top as f64);
        list.sort_by(|a, b| b.value.total_cmp(&a.value));
        let best = pick("best scaling (requests per second, a new instance per request)", "scaling", list, &same);
        out.extend(best.map(|mut p| {
            if !noise.is_empty() {
                let names: Vec<String> = noise.iter().map(|r| format!("{} {:.2}×", r.engine, r.value)).collect();
                p.figure.push_str(&format!(" (above the ideal {top}×, so noise and not picked: {})", names.join(", ")));
            }
            p
        }));
    }
    if let Some(spec) = model.runs[run].results.conformance.as_ref().and_then(|c| c.spec.as_ref()) {
        let mut list: Vec<Ranked> = model
            .engines
            .iter()
            .filter(|e| !model.is_baseline(e))
            .filter_map(|e| {
                let (pass, all) = spec.files.iter().filter(|f| &f.engine == e).fold((0u64, 0u64), |(p, a), f| {
                    let c = &f.counts;
                    (p + c.pass as u64, a + (c.pass + c.fail + c.crash + c.timeout + c.unsupported) as u64)
                });
                (all > 0).then(|| {
                    let share = pass as f64 / all as f64;
                    Ranked::plain(e, share, format!("{:.1}% of {all} spec assertions pass", share * 100.0))
                })
            })
            .collect();
        list.sort_by(|a, b| b.value.total_cmp(&a.value));
        out.extend(pick("most conformant (spec testsuite)", "conformance", list, &same));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pick_whose_interval_overlaps_the_runner_up_says_it_is_not_a_clear_winner() {
        let r = |e: &str, v: f64, ci: (f64, f64)| Ranked {
            engine: e.into(),
            value: v,
            text: format!("{v}"),
            ci95: Some(ci),
        };
        let same = |t: &str| t.to_string();
        let close =
            pick("fast", ids::THROUGHPUT, vec![r("a", 1.4, (1.15, 1.69)), r("b", 1.63, (1.52, 1.76))], &same).unwrap();
        assert_eq!((close.engine.as_str(), close.runner_up.as_ref().unwrap().0.as_str()), ("a", "b"));
        assert!(close.figure.ends_with("not a clear winner"), "{}", close.figure);
        assert_eq!(close.verdict(), "not a clear winner (a leads)", "nobody is crowned");
        let clear =
            pick("fast", ids::THROUGHPUT, vec![r("a", 1.4, (1.3, 1.5)), r("b", 1.63, (1.52, 1.76))], &same).unwrap();
        assert_eq!((clear.figure.as_str(), clear.verdict().as_str()), ("1.4", "a"));
        let unsure =
            pick("x", "y", vec![Ranked::plain("a", 1.0, "1".into()), Ranked::plain("b", 2.0, "2".into())], &same);
        assert_eq!(unsure.unwrap().figure, "1", "no intervals, no claim either way");
    }

    #[test]
    fn the_registry_declares_who_is_left_out_of_what() {
        let interpreter = Capabilities {
            kind: SubjectKind::Wasm,
            instances: true,
            conformance: false,
            threads: false,
            ..Default::default()
        };
        assert!(declared_out(&interpreter, "spec").is_some());
        assert!(declared_out(&interpreter, ids::WASI_PROGRAMS).is_some());
        assert!(declared_out(&interpreter, ids::THROUGHPUT).is_none());
        assert!(declared_out(&interpreter, ids::DENSITY).is_none());
        let v8 = Capabilities { scenarios: Some(vec![ids::THROUGHPUT.into()]), ..interpreter.clone() };
        assert!(declared_out(&v8, ids::COLD_START).is_some());
        assert!(declared_out(&v8, ids::THROUGHPUT).is_none());
        let said = Capabilities { left_out: [(ids::COLD_START.into(), "because".into())].into(), ..v8.clone() };
        assert_eq!(declared_out(&said, ids::COLD_START).as_deref(), Some("because"));
        assert_eq!(Support::Ran { figures: 3, partial: None }.text(), "✓");
        assert_eq!(Support::NotDeclared("x".into()).text(), "—");
    }
}
