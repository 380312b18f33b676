//! The self-contained `index.html`: inline CSS, inline SVG charts, no scripts, nothing fetched.
//! Written as well-formed XML (polyglot HTML5) so a strict parser can check it.
use super::charts::{self, BarSeries, LineData, StackRow};
use super::claims::{self, Verdict};
use super::markup::{Td, esc, serde_name, table};
use super::model::{COLD_START_PHASES, GEOMEAN, LATENCY_QUANTILES, Metric, Model};
use super::page::{Page, figure, legend, si_bytes, td_between_share, td_metric, td_text};
use super::tables::{self, fmt_value};
use anyhow::Result;
use plotters::style::RGBColor;
use std::fmt::Write as _;

const CSS: &str = r#"
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --zebra: #f6f7f9; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px 24px 60px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.lede { color: var(--muted); margin: 0 0 14px; }
nav { font-size: 14px; margin: 10px 0 4px; }
nav a { margin-right: 14px; color: var(--accent); }
.caption { color: var(--muted); font-size: 13.5px; margin: 4px 0 10px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
th { background: #eef1f6; text-align: left; font-weight: 600; }
tbody tr:nth-child(even) td { background: var(--zebra); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.best { background: #e3f4e1 !important; font-weight: 600; }
td.na { color: #98a0ad; text-align: center; }
td.good { background: #e3f4e1 !important; }
td.bad { background: #fbe0de !important; font-weight: 600; }
td.warn { background: #fff1cc !important; }
span.ci { display: block; color: var(--muted); font-size: 11px; font-weight: 400; }
figure { margin: 8px 0 4px; }
figure svg { max-width: 100%; height: auto; display: block; }
ul.legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
span.sw { display: inline-block; width: 14px; height: 14px; border-radius: 2px; border: 1px solid rgba(0,0,0,.15); }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12.5px; white-space: nowrap; }
.v-supported { background: #dff3dc; color: #1f6b1a; }
.v-contradicted { background: #fbe0de; color: #9b1c14; }
.v-inconclusive { background: #fff1cc; color: #7a5a00; }
.v-not-measured { background: #eceef2; color: #5b6475; }
.kv td:first-child { color: var(--muted); white-space: nowrap; }
code { font-size: 12.5px; background: #f1f3f6; padding: 0 3px; border-radius: 3px; }
footer { margin-top: 40px; font-size: 13px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  figure, table { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

impl Page<'_> {
    /// Scenarios registered without a section of their own on this page: each metric of each,
    /// as a table (workloads by engines, with intervals).
    fn registered(&mut self) {
        let mut names: Vec<String> = Vec::new();
        for r in &self.m.runs {
            for name in r.results.scenarios.other.keys() {
                if !names.contains(name) && !super::wasi_guests::SCENARIOS.contains(&name.as_str()) {
                    names.push(name.clone());
                }
            }
        }
        if names.is_empty() {
            return;
        }
        self.out.push_str("<section id=\"other-scenarios\"><h2>Other scenarios</h2>");
        for name in names {
            let _ = write!(self.out, "<h3 id=\"scenario-{0}\">{0}</h3>", esc(&name));
            let mut metrics: Vec<String> = Vec::new();
            for m in self.m.metrics.iter().filter(|m| m.scenario == name) {
                if !metrics.contains(&m.metric) {
                    metrics.push(m.metric.clone());
                }
            }
            for metric in metrics {
                let _ = write!(self.out, "<p class=\"caption\">{}: median with its 95% interval</p>", esc(&metric));
                let workloads = self.m.workloads(&name, &metric);
                self.metric_table(&name, &metric, &workloads, "workload");
            }
        }
        self.out.push_str("</section>");
    }

    fn header(&mut self) {
        let m = self.m;
        let first = &m.runs[0].results;
        let machines: Vec<String> = m
            .runs
            .iter()
            .map(|r| {
                let e = &r.results.environment;
                format!("{} ({}, {} cores)", e.hostname, e.cpu_model, e.logical_cores)
            })
            .collect();
        let _ = write!(
            self.out,
            "<header><h1>wasmgauge report</h1><p class=\"lede\">{} run{} · {} profile · {} · generated {}</p>",
            m.runs.len(),
            if m.runs.len() == 1 { "" } else { "s" },
            esc(&serde_name(&first.profile.name)),
            esc(&machines.join(" / ")),
            esc(&results::now_rfc3339())
        );
        self.out.push_str(
            "<nav><a href=\"#summary\">Summary</a><a href=\"#selection\">Selection</a><a href=\"#throughput\">Throughput</a><a href=\"#cold-start\">Cold start</a>\
             <a href=\"#call-overhead\">Call overhead</a><a href=\"#latency\">Latency</a><a href=\"#hosting\">Memory &amp; density</a><a href=\"#scaling\">Scaling</a><a href=\"#sandbox-tax\">Sandbox tax</a><a href=\"#conformance\">Conformance</a><a href=\"#claims\">Claims</a>\
             <a href=\"#problems\">Failures</a><a href=\"#method\">Method</a><a href=\"#runs\">What ran</a><a href=\"#raw\">Raw data</a></nav></header>\n",
        );
    }

    fn summary(&mut self) {
        self.out.push_str("<section id=\"summary\"><h2>Summary</h2>");
        self.out.push_str(
            "<p class=\"caption\">Medians with bootstrap 95% intervals; lower is better except in the per-GiB and per-second rows. \
             Green marks the best WebAssembly configuration in the row (the native baselines are the reference, not contestants). \
             Throughput, cold-start and process rows are geometric means over the workloads of the corpus; calls are single \
             benchmarks. For the baselines, the cold-start row is native's first call in a fresh driver process and the subprocess's \
             spawn → answer. Every answer behind these figures was checked against native's.</p>",
        );
        let mut head = vec!["metric".to_string()];
        head.extend(self.m.engines.iter().cloned());
        let rows = tables::summary_rows(self.m)
            .into_iter()
            .map(|r| {
                let mut row = vec![td_text(&r.label)];
                for (i, c) in r.cells.iter().enumerate() {
                    let mut td = td_metric(c.as_ref());
                    if r.best == Some(i) {
                        td.class = "num best";
                    }
                    row.push(td);
                }
                row
            })
            .collect();
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }

    fn throughput(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"throughput\"><h2>Throughput: time per call relative to native</h2>");
        let workloads = self.m.workloads("throughput", "ratio_to_native");
        let in_rounds = self.m.runs.iter().any(|r| r.results.schedule.is_some());
        let keys = self.series_keys("throughput", "ratio_to_native");
        let items: Vec<(String, RGBColor)> = keys.iter().map(|(e, r)| self.series(e, *r)).collect();
        legend(&mut self.out, &items);
        // One chart per input size, so labels stay short and groups wide.
        let mut sizes: Vec<String> = Vec::new();
        for w in &workloads {
            let size = w.rsplit_once('/').map(|(_, s)| s.to_string()).unwrap_or_default();
            if !sizes.contains(&size) {
                sizes.push(size);
            }
        }
        for (i, size) in sizes.iter().enumerate() {
            let group: Vec<&String> =
                workloads.iter().filter(|w| w.rsplit_once('/').map(|(_, s)| s).unwrap_or("") == size).collect();
            let labels: Vec<String> = group
                .iter()
                .map(|w| {
                    let name = w.rsplit_once('/').map(|(n, _)| n).unwrap_or(w);
                    if name == GEOMEAN { "geomean".to_string() } else { name.to_string() }
                })
                .collect();
            let series: Vec<BarSeries> = keys
                .iter()
                .map(|(e, run)| BarSeries {
                    color: self.series(e, *run).1,
                    values: group
                        .iter()
                        .map(|w| self.m.find(*run, "throughput", w, e, "ratio_to_native").map(|m| m.estimate()))
                        .collect(),
                })
                .collect();
            let svg = charts::grouped_bars_log(&labels, &series, "time per call ÷ native (log)", Some(1.0), &|v| {
                format!("{v}×")
            })?;
            let inputs = if size.is_empty() { String::new() } else { format!(" ({size} inputs)") };
            let whiskers = if in_rounds {
                "Whiskers: 95% interval across rounds (each round's ratio formed between processes run back to \
                 back; Student t over the rounds, as Kalibera & Jones)."
            } else {
                "Whiskers: bootstrap 95% interval of the ratio."
            };
            figure(
                &mut self.out,
                &format!("chart-throughput-{i}"),
                svg,
                &format!(
                    "Ratio of each configuration's time per call to native's on the same workload{inputs} \
                     (1× = native, line; log scale). {whiskers} \
                     \"geomean\": geometric mean over the workloads."
                ),
            );
        }
        self.out.push_str("<h3>Ratio to native</h3>");
        self.metric_table("throughput", "ratio_to_native", &workloads, "workload");
        self.virtual_best()?;
        self.out.push_str("<h3>Median time per call</h3>");
        let times = self.m.workloads("throughput", "time_per_call");
        self.metric_table("throughput", "time_per_call", &times, "workload");
        if in_rounds {
            let seeds: Vec<String> = self
                .m
                .runs
                .iter()
                .filter_map(|r| r.results.schedule.as_ref().map(|s| format!("{}: seed {}", r.label, s.seed)))
                .collect();
            self.out.push_str(&format!(
                "<h3 id=\"throughput-processes\">Variance between worker processes</h3><p class=\"caption\">Each cell \
                 was measured in several fresh worker processes, one per round, in an order shuffled per round ({}), \
                 each process with its own layout (environment size, heap padding). A cell's time per call is the \
                 geometric mean of its processes' medians, its interval the Student t interval across processes. \
                 Shown here: the share of the variance that lies between processes rather than within one (near \
                 100%: the figure depends on the process, its layout or the moment; near 0%: sample jitter only). \
                 Hover for the steady-state check of each process; ‡ marks a process that slowed down or never \
                 reached a steady state (kept, not averaged away silently).</p>",
                esc(&seeds.join("; "))
            ));
            self.metric_table_with("throughput", "time_per_call", &times, "workload", &td_between_share);
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    fn cold_start(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"cold-start\"><h2>Cold start</h2>");
        let workloads = self.m.workloads("cold-start", "end_to_end");
        let Some(w) = workloads.iter().find(|w| !w.starts_with(GEOMEAN)).cloned() else {
            self.out.push_str("<p class=\"caption\">No cold-start scenario in these results.</p></section>\n");
            return Ok(());
        };
        // The corpus's WASI programs with cold starts of their own (schema 8): the big modules.
        let programs: Vec<String> = self
            .m
            .runs
            .iter()
            .filter_map(|r| r.results.scenarios.cold_start.as_ref())
            .flat_map(|s| s.programs.iter().map(|c| c.workload.clone()))
            .fold(Vec::new(), |mut v, p| {
                if !v.contains(&p) {
                    v.push(p);
                }
                v
            });
        let first = workloads.iter().find(|w| !w.starts_with(GEOMEAN) && !programs.contains(w)).cloned().unwrap_or(w);
        self.cold_start_phases(&first, "chart-cold-start", "")?;
        for p in &programs {
            let bytes = self.module_bytes(p).map(|b| format!(" ({})", si_bytes(b))).unwrap_or_default();
            let note = format!(
                " `{p}`{bytes} is a WASI program of the corpus: each repetition is a fresh driver process, \"first call\" is \
                 `_start` running to an exit checked against the native twin, whose row is its whole process."
            );
            self.cold_start_phases(
                p,
                &format!("chart-cold-start-{}", p.replace(|c: char| !c.is_alphanumeric(), "-")),
                &note,
            )?;
        }
        self.out.push_str("<h3>Wasm bytes → verified answer, every workload</h3>");
        self.metric_table("cold-start", "end_to_end", &workloads, "workload");
        let process = self.m.workloads("process-start", "exec_to_answer");
        if !process.is_empty() {
            self.out.push_str("<h3>Fresh process: exec → verified answer, every workload</h3>");
            self.metric_table("process-start", "exec_to_answer", &process, "workload");
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// The size of a corpus module, from the first results file that describes the corpus.
    fn module_bytes(&self, name: &str) -> Option<f64> {
        self.m
            .runs
            .iter()
            .filter_map(|r| r.results.corpus.as_ref())
            .find_map(|c| c.described.iter().find(|m| m.name == name).map(|m| m.bytes as f64))
    }

    /// The stacked phases chart and the phase table of one cold-start workload.
    fn cold_start_phases(&mut self, w: &str, id: &str, note: &str) -> Result<()> {
        // Segments: compile, deserialize, instantiate, first call, process exec->answer.
        let seg_names = [
            "compile",
            "deserialize artifact",
            "instantiate",
            "first call",
            "spawn child process",
            "fresh process: exec → answer",
        ];
        let seg_colors = [
            RGBColor(31, 119, 180),
            RGBColor(152, 78, 163),
            RGBColor(255, 127, 14),
            RGBColor(44, 160, 44),
            RGBColor(23, 190, 207),
            RGBColor(140, 140, 140),
        ];
        let items: Vec<(String, RGBColor)> =
            seg_names.iter().zip(seg_colors).map(|(n, c)| (n.to_string(), c)).collect();
        legend(&mut self.out, &items);
        let mut rows = Vec::new();
        let m = self.m;
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let (name, _) = self.series(e, run);
                let get = |metric: &str| m.find(run, "cold-start", w, e, metric).map(|x| x.value);
                let (ins, first) = (get("instantiate"), get("first_call"));
                if let (Some(c), Some(i), Some(f)) = (get("compile"), ins, first) {
                    rows.push(StackRow {
                        label: format!("{name}: from wasm bytes"),
                        parts: vec![(0, c), (2, i), (3, f)],
                    });
                }
                if let (Some(d), Some(i), Some(f)) = (get("deserialize"), ins, first) {
                    rows.push(StackRow {
                        label: format!("{name}: from artifact"),
                        parts: vec![(1, d), (2, i), (3, f)],
                    });
                }
                if let (None, None, Some(f)) = (get("compile"), get("deserialize"), first) {
                    // Baselines: native's first call in a fresh driver process; the subprocess's spawn + first call.
                    match get("spawn") {
                        Some(sp) => rows.push(StackRow {
                            label: format!("{name}: spawn + first call"),
                            parts: vec![(4, sp), (3, f)],
                        }),
                        None => rows.push(StackRow { label: format!("{name}: first call"), parts: vec![(3, f)] }),
                    }
                }
                if let (None, None, None, Some(total)) = (get("compile"), get("deserialize"), first, get("end_to_end"))
                {
                    // A WASI program's native twin: its whole process.
                    rows.push(StackRow { label: format!("{name}: native twin process"), parts: vec![(5, total)] });
                }
                if let Some(p) = m.find(run, "process-start", w, e, "exec_to_answer") {
                    rows.push(StackRow {
                        label: format!("{name}: fresh process ({})", p.note),
                        parts: vec![(5, p.value)],
                    });
                }
            }
        }
        let svg = charts::stacked_hbars(&rows, &seg_colors, "milliseconds (median of each phase)", &|v| {
            format!("{:.1}", v / 1e6)
        })?;
        figure(
            &mut self.out,
            id,
            svg,
            &format!(
                "Cold start of `{w}`, phase by phase (medians, stacked). \"From wasm bytes\" compiles then instantiates; \
                 \"from artifact\" deserializes a precompiled module; a fresh process is exec of a new OS process to its \
                 verified answer (the subprocess baseline's native runner, or wasmgauge loading the module).{note}"
            ),
        );
        let mut head = self.run_head("engine");
        head.extend(COLD_START_PHASES.iter().map(|(_, n)| n.to_string()));
        head.push("fresh process".into());
        let mut table_rows = Vec::new();
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let cells: Vec<Option<&Metric>> =
                    COLD_START_PHASES.iter().map(|(p, _)| m.find(run, "cold-start", w, e, p)).collect();
                let process = m.find(run, "process-start", w, e, "exec_to_answer");
                if cells.iter().all(Option::is_none) && process.is_none() {
                    continue;
                }
                let mut row = vec![td_text(e)];
                if self.multi() {
                    row.push(td_text(&m.runs[run].label));
                }
                row.extend(cells.into_iter().map(td_metric));
                row.push(td_metric(process));
                table_rows.push(row);
            }
        }
        let _ = write!(self.out, "<h3>Phases of `{}` (median, 95% interval)</h3>", esc(w));
        table(&mut self.out, &head, table_rows);
        Ok(())
    }

    fn call_overhead(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"call-overhead\"><h2>Call overhead</h2>");
        let benches = self.m.workloads("call-overhead", "time_per_call");
        if benches.is_empty() {
            self.out.push_str("<p class=\"caption\">No call-overhead scenario in these results.</p></section>\n");
            return Ok(());
        }
        let data: Vec<String> = benches.iter().filter(|b| b.starts_with("data ")).cloned().collect();
        let fixed: Vec<String> = benches.iter().filter(|b| !b.starts_with("data ")).cloned().collect();
        let keys = self.series_keys("call-overhead", "time_per_call");
        let mut lines = Vec::new();
        let mut items = Vec::new();
        for (e, run) in &keys {
            let points: Vec<(f64, f64)> = self
                .m
                .metrics
                .iter()
                .filter(|x| {
                    x.run == *run && &x.engine == e && x.scenario == "call-overhead" && x.metric == "time_per_call"
                })
                .filter_map(|x| Some((x.payload_bytes? as f64, x.value)))
                .collect();
            if !points.is_empty() {
                let (name, color) = self.series(e, *run);
                items.push((name, color));
                lines.push(LineData { color, points, dashed: false });
            }
        }
        legend(&mut self.out, &items);
        let svg = charts::lines_log(
            &lines,
            &[],
            "payload per call (bytes, log)",
            "time per call (log)",
            &|v| si_bytes(*v),
            &|v| charts::axis_ns(*v),
        )?;
        figure(
            &mut self.out,
            "chart-call-overhead",
            svg,
            "Time per call against payload size: the host writes N bytes into guest memory, the guest checksums and inverts \
             them, the host reads N bytes back (native: the same work on a slice; subprocess: through a pipe). Medians.",
        );
        self.out.push_str("<h3>Data round trip: time per call</h3>");
        self.metric_table("call-overhead", "time_per_call", &data, "payload");
        self.out.push_str("<h3>Data round trip: payload throughput</h3>");
        self.metric_table("call-overhead", "throughput", &data, "payload");
        self.out.push_str(
            "<h3>Calls without payload</h3><p class=\"caption\">empty: a call to a function that does nothing; add4: four \
             i64 arguments, one result; typed = the runtime's statically typed call API, dynamic = its untyped one; \
             guest-to-host: one call from the guest to a host import. Calibrated timer and loop overhead subtracted.</p>",
        );
        self.metric_table("call-overhead", "time_per_call", &fixed, "benchmark");
        self.out.push_str("</section>\n");
        Ok(())
    }

    fn latency(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"latency\"><h2>Latency percentiles</h2>");
        let targets = self.m.workloads("latency", "p50");
        if targets.is_empty() {
            self.out.push_str("<p class=\"caption\">No latency scenario in these results.</p></section>\n");
            return Ok(());
        }
        let workload = targets.iter().find(|t| t.contains('/')).cloned();
        let call = targets.iter().find(|t| t.as_str() == "empty typed").cloned();
        for (i, target) in [workload, call].into_iter().flatten().enumerate() {
            let keys: Vec<(String, usize)> = self
                .series_keys("latency", "p50")
                .into_iter()
                .filter(|(e, r)| self.m.find(*r, "latency", &target, e, "p50").is_some())
                .collect();
            let mut lines = Vec::new();
            let mut items = Vec::new();
            let mut rows = Vec::new();
            for (e, run) in &keys {
                let ms: Vec<Option<&Metric>> =
                    LATENCY_QUANTILES.iter().map(|q| self.m.find(*run, "latency", &target, e, q)).collect();
                let points: Vec<(f64, f64)> =
                    ms.iter().enumerate().filter_map(|(i, m)| Some((i as f64, (*m)?.value))).collect();
                let (name, color) = self.series(e, *run);
                items.push((name.clone(), color));
                lines.push(LineData { color, points, dashed: false });
                let mut row = vec![td_text(&name)];
                row.extend(ms.into_iter().map(td_metric));
                rows.push(row);
            }
            let _ = write!(self.out, "<h3>{}</h3>", esc(&target));
            legend(&mut self.out, &items);
            let svg = charts::lines_log(
                &lines,
                LATENCY_QUANTILES,
                "percentile",
                "latency (log)",
                &|v| format!("{v}"),
                &|v| charts::axis_ns(*v),
            )?;
            let mut notes: Vec<String> = Vec::new();
            for x in self.m.metrics.iter().filter(|x| x.scenario == "latency" && x.workload == target) {
                if !notes.contains(&x.note) {
                    notes.push(x.note.clone());
                }
            }
            let note = notes.join("; ");
            figure(
                &mut self.out,
                &format!("chart-latency-{i}"),
                svg,
                &format!("HdrHistogram percentiles of `{target}` per engine ({note}; 3 significant digits)."),
            );
            let mut head = vec!["engine".to_string()];
            head.extend(LATENCY_QUANTILES.iter().map(|q| q.to_string()));
            table(&mut self.out, &head, rows);
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    fn hosting(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"hosting\"><h2>Hosting many instances: memory, density, concurrency</h2>");
        let m = self.m;
        let mem_engines = m.engines_with("memory", "bytes_per_instance");
        let proc_engines = m.engines_with("memory", "process_private_bytes");
        if mem_engines.is_empty()
            && proc_engines.is_empty()
            && m.engines_with("density", "instances_per_gib").is_empty()
        {
            self.out.push_str(
                "<p class=\"caption\">No memory, density or concurrency scenario in these results.</p></section>\n",
            );
            return Ok(());
        }
        let seg_colors = [RGBColor(255, 127, 14), RGBColor(31, 119, 180), RGBColor(140, 140, 140)];
        let items: Vec<(String, RGBColor)> = [
            "host side (runtime, store, instance)",
            "guest linear memory touched",
            "one more process (private memory)",
        ]
        .iter()
        .zip(seg_colors)
        .map(|(n, c)| (n.to_string(), c))
        .collect();
        legend(&mut self.out, &items);
        let mut rows = Vec::new();
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let (name, _) = self.series(e, run);
                let get = |metric: &str| {
                    m.metrics
                        .iter()
                        .find(|x| x.run == run && x.scenario == "memory" && &x.engine == e && x.metric == metric)
                        .map(|x| x.value.max(0.0) / 1024.0)
                };
                if let (Some(h), Some(g)) = (get("host_bytes_per_instance"), get("guest_bytes_per_instance")) {
                    rows.push(StackRow { label: name.clone(), parts: vec![(0, h), (1, g)] });
                }
                if let Some(p) = get("process_private_bytes") {
                    rows.push(StackRow { label: format!("{name} (process)"), parts: vec![(2, p)] });
                }
            }
        }
        let svg =
            charts::stacked_hbars(&rows, &seg_colors, "KiB per live instance (slope over 1…1000 instances)", &|v| {
                format!("{v:.0}")
            })?;
        figure(
            &mut self.out,
            "chart-memory",
            svg,
            "Resident memory each additional live instance of a one-page module (64 KiB, every 4 KiB page written once) \
             costs: least-squares slope over 1, 10, 100 and 1000 live instances in one driver process, split into what instantiating \
             added and what touching the guest page added. Runtimes that allocate linear memory zeroed at instantiation \
             (wasmi) show it all as host side. The subprocess row is the private memory of one runner process serving a request.",
        );
        let mut head = self.run_head("engine");
        head.extend(
            [
                "per instance",
                "host side",
                "guest touched",
                "compile (RSS growth)",
                "artifact",
                "process private",
                "process RSS",
            ]
            .map(String::from),
        );
        let metrics = [
            "bytes_per_instance",
            "host_bytes_per_instance",
            "guest_bytes_per_instance",
            "compile_rss_bytes",
            "artifact_bytes",
            "process_private_bytes",
            "process_rss_bytes",
        ];
        let mut table_rows = Vec::new();
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let cells: Vec<Option<&Metric>> = metrics
                    .iter()
                    .map(|metric| {
                        m.metrics
                            .iter()
                            .find(|x| x.run == run && x.scenario == "memory" && &x.engine == e && x.metric == *metric)
                    })
                    .collect();
                if cells.iter().all(Option::is_none) {
                    continue;
                }
                let mut row = vec![td_text(e)];
                if self.multi() {
                    row.push(td_text(&m.runs[run].label));
                }
                row.extend(cells.into_iter().map(td_metric));
                table_rows.push(row);
            }
        }
        table(&mut self.out, &head, table_rows);

        for w in m.workloads("density", "instances_per_gib") {
            let _ = write!(self.out, "<h3>Density: live `{}` instances in the memory budget</h3>", esc(&w));
            self.out.push_str(
                "<p class=\"caption\">Instances are added (each gets its input and answers one verified request) until the \
                 next one could cross the budget, the instance cap or the time cap is hit, or instantiation fails; the driver process \
                 polls its own resident memory after every instance. Instantiation rate: instantiate and drop in a loop, on one \
                 thread and on one thread per core sharing the compiled module. Subprocess: processes per second, and per GiB \
                 from one runner's private memory.</p>",
            );
            let mut head = self.run_head("engine");
            head.extend(
                [
                    "live instances",
                    "stopped by",
                    "per instance",
                    "per GiB",
                    "instantiate/s, 1 thread",
                    "instantiate/s, all cores",
                ]
                .map(String::from),
            );
            let mut rows = Vec::new();
            for e in &m.engines {
                for run in 0..m.runs.len() {
                    let get = |metric: &str| m.find(run, "density", &w, e, metric);
                    let Some(live) = get("live_instances") else { continue };
                    let mut row = vec![td_text(e)];
                    if self.multi() {
                        row.push(td_text(&m.runs[run].label));
                    }
                    row.push(td_metric(Some(live)));
                    row.push(td_text(&live.note));
                    for metric in [
                        "bytes_per_instance",
                        "instances_per_gib",
                        "instantiate_per_s_one_thread",
                        "instantiate_per_s_all_cores",
                    ] {
                        row.push(td_metric(get(metric)));
                    }
                    rows.push(row);
                }
            }
            table(&mut self.out, &head, rows);
        }

        self.out.push_str("</section>\n");
        Ok(())
    }

    /// Throughput and instantiation rate against threads, from one thread to every core and one
    /// oversubscribed level, each configuration with its ideal linear line (one thread's rate
    /// times the threads), and p99 per level.
    fn scaling(&mut self) -> Result<()> {
        let m = self.m;
        let levels = m.workloads("concurrency", "requests_per_s");
        let rate_levels = m.workloads("density", "instantiate_per_s");
        if levels.is_empty() && rate_levels.is_empty() {
            return Ok(());
        }
        let env = &m.runs[0].results.environment;
        let planned: Vec<String> = m.runs[0]
            .results
            .profile
            .concurrency
            .as_ref()
            .map(|c| c.threads.iter().map(|t| t.to_string()).collect())
            .unwrap_or_default();
        let _ = write!(
            self.out,
            "<section id=\"scaling\"><h2>Scaling to every core</h2><p class=\"caption\">Thread levels {} on this machine \
             ({} logical cores: 1, 2, 4, … up to the core count, then one oversubscribed level at twice it; \
             <code>run --threads</code> sets others; the levels are recorded in the results file's profile). Dashed: ideal \
             linear scaling from each configuration's one-thread rate. Single-threaded runtimes are measured at one thread \
             only.</p>",
            esc(&planned.join(", ")),
            env.logical_cores
        );
        let workload = m
            .metrics
            .iter()
            .find(|x| x.scenario == "concurrency" && x.metric == "p99")
            .map(|x| x.note.clone())
            .unwrap_or_default();
        self.scaling_chart(
            ("concurrency", "requests_per_s"),
            &levels,
            &format!("Requests per second: a new instance per request (`{workload}`)"),
            "chart-concurrency",
            "Requests per second against threads. A request instantiates the shared compiled module, writes the input, \
             calls, verifies and drops the instance; native is a plain call, subprocess a fresh process per request.",
        )?;
        if !levels.is_empty() {
            let engines = m.engines_with("concurrency", "requests_per_s");
            let mut head = self.run_head("threads");
            head.extend(engines.iter().map(|e| format!("{e}: req/s · p99")));
            let mut rows = Vec::new();
            for l in &levels {
                for run in 0..m.runs.len() {
                    let mut row = vec![td_text(l)];
                    if self.multi() {
                        row.push(td_text(&m.runs[run].label));
                    }
                    for e in &engines {
                        let rps = m.find(run, "concurrency", l, e, "requests_per_s");
                        let p99 = m.find(run, "concurrency", l, e, "p99");
                        row.push(match (rps, p99) {
                            (Some(r), Some(p)) => Td {
                                html: format!(
                                    "{}<span class=\"ci\">p99 {}</span>",
                                    esc(&fmt_value(&r.unit, r.value)),
                                    esc(&fmt_value(&p.unit, p.value))
                                ),
                                class: "num",
                            },
                            _ => td_metric(None),
                        });
                    }
                    rows.push(row);
                }
            }
            table(&mut self.out, &head, rows);
        }
        self.scaling_chart(
            ("density", "instantiate_per_s"),
            &rate_levels,
            "Instantiations per second (instantiate and drop)",
            "chart-instantiation-scaling",
            "Instantiate-and-drop operations per second against threads, all threads sharing one compiled module \
             (the density scenario's host workload); subprocess: fresh processes per second.",
        )?;
        if !rate_levels.is_empty() {
            self.metric_table("density", "instantiate_per_s", &rate_levels, "threads");
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// One scaling chart: `metric` of `scenario` at each level key (`N threads`), a solid line
    /// per configuration and its dashed ideal.
    fn scaling_chart(
        &mut self,
        (scenario, metric): (&str, &str),
        levels: &[String],
        heading: &str,
        id: &str,
        caption: &str,
    ) -> Result<()> {
        if levels.is_empty() {
            return Ok(());
        }
        let m = self.m;
        let threads: Vec<f64> =
            levels.iter().map(|l| l.trim_end_matches(" threads").parse().unwrap_or(f64::NAN)).collect();
        let names: Vec<&str> = levels.iter().map(|l| l.trim_end_matches(" threads")).collect();
        let keys = self.series_keys(scenario, metric);
        let (mut lines, mut items) = (Vec::new(), Vec::new());
        for (e, run) in &keys {
            let points: Vec<(f64, f64)> = levels
                .iter()
                .enumerate()
                .filter_map(|(i, l)| Some((i as f64, m.find(*run, scenario, l, e, metric)?.value)))
                .collect();
            let (name, color) = self.series(e, *run);
            items.push((name, color));
            if let Some(one) = m.find(*run, scenario, "1 threads", e, metric).map(|x| x.value)
                && points.len() > 1
            {
                let ideal = threads.iter().enumerate().map(|(i, t)| (i as f64, one * t)).collect();
                lines.push(LineData { color, points: ideal, dashed: true });
            }
            lines.push(LineData { color, points, dashed: false });
        }
        let _ = write!(self.out, "<h3>{}</h3>", esc(heading));
        legend(&mut self.out, &items);
        let svg = charts::lines_log(&lines, &names, "threads", "per second (log)", &|v| format!("{v}"), &|v| {
            format!("{v:.0}")
        })?;
        figure(&mut self.out, id, svg, caption);
        Ok(())
    }

    /// Each WebAssembly configuration against the fastest WebAssembly configuration of each
    /// workload (1× = it was the fastest), chart of the geomeans and the table per workload.
    fn virtual_best(&mut self) -> Result<()> {
        let workloads = self.m.workloads("throughput", "ratio_to_best");
        if workloads.is_empty() {
            return Ok(());
        }
        self.out.push_str(
            "<h3 id=\"virtual-best\">Ratio to the fastest WebAssembly configuration (virtual best)</h3><p class=\"caption\">\
             For each workload and size, each configuration's time per call divided by the fastest WebAssembly \
             configuration's (1× = it was the fastest; the baselines are not in the race). Measured in rounds, the fastest is \
             taken per round and the ratio formed within the round; a geomean is the mean over workloads of each round's log \
             ratios, with the Student t 95% interval across rounds.</p>",
        );
        let geomeans: Vec<String> = workloads.iter().filter(|w| w.starts_with(GEOMEAN)).cloned().collect();
        let keys = self.series_keys("throughput", "ratio_to_best");
        let labels: Vec<String> = geomeans
            .iter()
            .map(|w| w.rsplit_once('/').map_or("geomean".into(), |(_, s)| format!("{s} inputs")))
            .collect();
        let series: Vec<BarSeries> = keys
            .iter()
            .map(|(e, run)| BarSeries {
                color: self.series(e, *run).1,
                values: geomeans
                    .iter()
                    .map(|w| self.m.find(*run, "throughput", w, e, "ratio_to_best").map(|m| m.estimate()))
                    .collect(),
            })
            .collect();
        let items: Vec<(String, RGBColor)> = keys.iter().map(|(e, r)| self.series(e, *r)).collect();
        legend(&mut self.out, &items);
        let svg = charts::grouped_bars_log(&labels, &series, "time per call ÷ the fastest (log)", Some(1.0), &|v| {
            format!("{v}×")
        })?;
        figure(
            &mut self.out,
            "chart-virtual-best",
            svg,
            "Geometric mean over the workloads of each configuration's ratio to the fastest WebAssembly configuration \
             (1× line: the virtual best, a configuration as fast as the fastest on every workload). Whiskers: 95% interval.",
        );
        self.metric_table("throughput", "ratio_to_best", &workloads, "workload");
        Ok(())
    }

    /// The selection study view: the configurations by kind, the support matrix, and which to
    /// pick for what.
    fn selection(&mut self) {
        let m = self.m;
        let rows = super::selection::support_matrix(m, 0);
        if rows.is_empty() {
            return;
        }
        self.out.push_str(
            "<section id=\"selection\"><h2>Runtime selection</h2><h3>Which to pick for what</h3><p class=\"caption\">\
             Generated from this run's figures (the first run where several are shown): the best WebAssembly configuration \
             for each need, with the runner-up; each links to the section its figure comes from. A need whose figures are \
             not in the results has no row.</p>",
        );
        let picks = super::selection::picks(m, 0);
        let pick_rows = picks
            .iter()
            .map(|p| {
                vec![
                    Td { html: format!("<a href=\"#{}\">{}</a>", p.anchor, esc(p.need)), class: "" },
                    Td { html: format!("<b>{}</b>", esc(&p.engine)), class: "best" },
                    td_text(&p.figure),
                    td_text(&p.runner_up.as_ref().map(|(e, f)| format!("{e}: {f}")).unwrap_or_default()),
                ]
            })
            .collect();
        table(&mut self.out, &["need", "pick", "figure", "runner-up"].map(String::from), pick_rows);
        self.out.push_str(
            "<h3 id=\"support-matrix\">Support matrix</h3><p class=\"caption\">Which configuration took part in what, grouped \
             by kind of execution, with the throughput workloads it answered correctly and the proposals its conformance \
             side declares. ✓: it ran (hover for the count of figures); ✗: it was planned and failed (hover for the \
             first error); —: its line in the subject registry leaves it out (hover for why); \"not run\": this run did not \
             select it.</p>",
        );
        let mut head = vec!["kind".to_string(), "configuration".into(), "workloads ok".into()];
        head.extend(super::selection::COLUMNS.iter().map(|(h, _)| h.to_string()));
        head.push("proposals (declared)".into());
        let mut sorted: Vec<&super::selection::SupportRow> = rows.iter().collect();
        sorted.sort_by_key(|r| r.kind.unwrap_or(results::ExecutionKind::Native));
        let body = sorted
            .iter()
            .map(|r| {
                let mut row =
                    vec![td_text(r.kind.map_or("–", |k| k.label())), td_text(&r.engine), td_text(&r.workloads)];
                row.extend(r.cells.iter().map(|c| {
                    let class = match c {
                        super::selection::Support::Ran { .. } => "good",
                        super::selection::Support::Failed { .. } => "bad",
                        _ => "na",
                    };
                    Td { html: format!("<span title=\"{}\">{}</span>", esc(&c.detail()), esc(&c.text())), class }
                }));
                row.push(td_text(&r.proposals));
                row
            })
            .collect();
        table(&mut self.out, &head, body);
        self.out.push_str("</section>\n");
    }

    fn sandbox_tax(&mut self) {
        self.out.push_str("<section id=\"sandbox-tax\"><h2>Sandbox tax: the cost of resource limits</h2>");
        let m = self.m;
        let limits: Vec<String> = {
            let mut v: Vec<String> = Vec::new();
            for x in m.metrics.iter().filter(|x| x.scenario == "sandbox-tax") {
                if !v.contains(&x.metric) {
                    v.push(x.metric.clone());
                }
            }
            v
        };
        if limits.is_empty() {
            self.out.push_str("<p class=\"caption\">No sandbox-tax scenario in these results.</p></section>\n");
            return;
        }
        self.out.push_str(
            "<p class=\"caption\">Time per call with the limit on ÷ without, same configuration, same driver process, alternating \
             rounds; every call verified on both sides. fuel = Wasmtime/wasmi fuel or Wasmer's metering middleware (limit never \
             reached: the counting is what costs); epoch = Wasmtime epoch interruption (deadline never reached); bounds-checks = \
             explicit checks instead of guard-page reservations. Geometric mean over the workloads with a bootstrap 95% interval.</p>",
        );
        let mut head = self.run_head("engine");
        head.extend(limits.iter().map(|l| l.trim_start_matches("ratio_").to_string()));
        let mut rows = Vec::new();
        let geo_keys: std::collections::BTreeSet<String> =
            limits.iter().flat_map(|l| m.workloads("sandbox-tax", l)).filter(|w| w.starts_with(GEOMEAN)).collect();
        for key in &geo_keys {
            for e in &m.engines {
                for run in 0..m.runs.len() {
                    let cells: Vec<Option<&Metric>> =
                        limits.iter().map(|l| m.find(run, "sandbox-tax", key, e, l)).collect();
                    if cells.iter().all(Option::is_none) {
                        continue;
                    }
                    let mut row =
                        vec![td_text(&format!("{e} ({})", key.trim_start_matches(GEOMEAN).trim_start_matches('/')))];
                    if self.multi() {
                        row.push(td_text(&m.runs[run].label));
                    }
                    row.extend(cells.into_iter().map(td_metric));
                    rows.push(row);
                }
            }
        }
        table(&mut self.out, &head, rows);
        self.out.push_str("<h3>Per workload</h3>");
        for l in &limits {
            let workloads: Vec<String> =
                m.workloads("sandbox-tax", l).into_iter().filter(|w| !w.starts_with(GEOMEAN)).collect();
            let _ = write!(self.out, "<p class=\"caption\">{}</p>", esc(l.trim_start_matches("ratio_")));
            self.metric_table("sandbox-tax", l, &workloads, "workload");
        }
        self.out.push_str("</section>\n");
    }

    fn claims(&mut self) {
        self.out.push_str("<section id=\"claims\"><h2>Claims from the field</h2>");
        self.out.push_str(
            "<p class=\"caption\">Claims made by the articles that started this project (cited by title), \
             tested against this run's figures. A verdict needs the whole 95% interval on one side of the criterion; a claim \
             whose scenario is not in the results is \"not measured\".</p>",
        );
        let mut head = vec!["claim".to_string(), "article".into()];
        if self.multi() {
            head.push("run".into());
        }
        head.extend(["criterion".into(), "measured".into(), "verdict".into()]);
        let mut rows = Vec::new();
        let per_run: Vec<Vec<claims::ClaimRow>> = (0..self.m.runs.len()).map(|r| claims::evaluate(self.m, r)).collect();
        // Claim by claim, the runs side by side.
        for i in 0..per_run.first().map_or(0, Vec::len) {
            for c in per_run.iter().map(|rows| rows[i].clone()) {
                let run = c.run;
                let mut row = vec![
                    td_text(c.claim),
                    td_text(&c.sources.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join("; ")),
                ];
                if self.multi() {
                    row.push(td_text(&self.m.runs[run].label));
                }
                row.push(td_text(&c.criterion));
                row.push(td_text(&c.measured));
                row.push(Td { html: verdict_badge(c.verdict), class: "" });
                rows.push(row);
            }
        }
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }

    fn problems(&mut self) {
        self.out.push_str("<section id=\"problems\"><h2>Failures and skipped cells</h2>");
        if self.m.problems.is_empty() {
            self.out.push_str("<p>None: every cell ran and every measured answer matched native's.</p></section>\n");
            return;
        }
        let mut head = self.run_head("scenario");
        head.extend(["workload".into(), "engine".into(), "status".into(), "message".into()]);
        let rows = self
            .m
            .problems
            .iter()
            .map(|p| {
                let mut row = vec![td_text(&p.scenario)];
                if self.multi() {
                    row.push(td_text(&self.m.runs[p.run].label));
                }
                row.extend([td_text(&p.workload), td_text(&p.engine), td_text(p.status), td_text(&p.message)]);
                row
            })
            .collect();
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }

    fn method(&mut self) {
        self.out.push_str("<section id=\"method\"><h2>Notes on method</h2><ul>");
        for (i, run) in self.m.runs.iter().enumerate() {
            let r = &run.results;
            let p = &r.profile;
            let cvs: Vec<f64> = r
                .scenarios
                .throughput
                .iter()
                .flat_map(|t| t.cells.iter())
                .filter_map(|c| c.measurement.as_ref()?.summary.as_ref())
                .map(|s| s.cv)
                .filter(|v| v.is_finite())
                .collect();
            let outliers: usize = r
                .scenarios
                .throughput
                .iter()
                .flat_map(|t| t.cells.iter())
                .filter_map(|c| c.measurement.as_ref()?.summary.as_ref())
                .map(|s| s.outliers.total())
                .sum();
            let mut sorted = cvs.clone();
            sorted.sort_by(f64::total_cmp);
            let noise = if sorted.is_empty() {
                "no throughput samples".to_string()
            } else {
                format!(
                    "throughput cells' coefficient of variation: median {:.1}%, worst {:.1}% over {} cells; {} outlier samples \
                     (Tukey fences) counted and kept",
                    100.0 * stats::quantile_sorted(&sorted, 0.5),
                    100.0 * sorted[sorted.len() - 1],
                    sorted.len(),
                    outliers
                )
            };
            let _ = write!(
                self.out,
                "<li><b>{}</b>: {} profile, {} throughput samples per cell of ≥{} ms each after ≥{} ms warm-up (cells capped at {} ms{}); \
                 isolation: {}; {}.</li>",
                esc(&run.label),
                esc(&serde_name(&p.name)),
                p.throughput.samples,
                p.throughput.sample_target_ms,
                p.throughput.warmup_ms,
                p.throughput.max_cell_ms,
                r.budget_scale
                    .map(|s| format!(", time caps scaled by {s:.2} to fit a {} s budget", r.time_budget_s.unwrap_or(0)))
                    .unwrap_or_default(),
                esc(&r.isolation),
                esc(&noise)
            );
            if i == 0 && !r.complete {
                self.out.push_str(
                    "<li><b>This run is incomplete</b> (interrupted): it holds only the cells that finished.</li>",
                );
            }
        }
        self.out.push_str(
            "<li>Every cell runs in a fresh process of its runtime's driver (its own process group, killed on timeout), so a crash or hang \
             fails one cell, not the run. Every measured call's answer is compared with the native build of the same source; \
             a mismatch fails the cell.</li>\
             <li>Inputs are generated by the host at run time and written into guest memory; results pass through \
             <code>black_box</code>. Phases (compile, deserialize, instantiate, first call, steady state) are timed separately.</li>\
             <li>Medians with percentile-bootstrap 95% intervals (2000 resamples, fixed seed). Ratios to native are ratios of \
             medians with both sides resampled; geometric means over the corpus resample every workload in each replicate.</li>\
             <li>Sub-microsecond operations are timed in batches; the clock's own cost and the empty loop's are calibrated and \
             subtracted. Latency percentiles come from HdrHistogram (3 significant digits); very short calls are recorded as \
             the mean of small batches, which hides tail events shorter than a batch.</li>\
             <li>A † marks an estimate that lies outside its own bootstrap interval. It happens with few, bimodal samples \
             (cold-start phases have a handful of repetitions, and e.g. the first instantiations in a fresh process can be \
             much slower than later ones); read such a figure together with its interval and the per-workload tables.</li>\
             <li>Compilers run single-threaded (<code>compile_threads = 1</code>) unless the run's knobs say otherwise; caches \
             are off. Guests are built for <code>wasm32-unknown-unknown</code> without SIMD, while native code may auto-vectorize \
             (matmul shows this).</li>\
             <li>Caveats: absolute times depend on the machine (see What ran; a small shared VM is noisy, and its idle cores \
             add wake-up latency to the subprocess pipe). Compare ratios within one run; across machines compare with care.</li>",
        );
        self.out.push_str("</ul></section>\n");
    }

    fn runs(&mut self) {
        self.out.push_str("<section id=\"runs\"><h2>What ran, where</h2>");
        let m = self.m;
        let mut head = vec!["".to_string()];
        head.extend(m.runs.iter().map(|r| r.label.clone()));
        let field = |name: &str, f: &dyn Fn(&super::model::Run) -> String| {
            let mut row = vec![td_text(name)];
            row.extend(m.runs.iter().map(|r| td_text(&f(r))));
            row
        };
        let rows = vec![
            field("results file", &|r| r.file_name()),
            field("run id", &|r| r.results.run_id.clone()),
            field("started / finished", &|r| {
                format!("{} / {}", r.results.started_at, r.results.finished_at.clone().unwrap_or_else(|| "—".into()))
            }),
            field("complete", &|r| if r.results.complete { "yes".into() } else { "no (interrupted)".into() }),
            field("command", &|r| r.results.command.join(" ")),
            field("profile · scenarios", &|r| {
                let s: Vec<String> = r.results.scenarios_selected.iter().map(serde_name).collect();
                format!(
                    "{} · {}",
                    serde_name(&r.results.profile.name),
                    if s.is_empty() { "(schema 1)".into() } else { s.join(", ") }
                )
            }),
            field("CPU", &|r| {
                let e = &r.results.environment;
                format!(
                    "{} · {} logical cores · governor {}",
                    e.cpu_model,
                    e.logical_cores,
                    e.cpu_governor.clone().unwrap_or_else(|| "n/a".into())
                )
            }),
            field("memory", &|r| {
                r.results
                    .environment
                    .memory_total_kib
                    .map(|k| format!("{:.1} GiB", k as f64 / 1048576.0))
                    .unwrap_or_default()
            }),
            field("OS", &|r| {
                let e = &r.results.environment;
                format!("{} {} · kernel {} · host {}", e.os, e.arch, e.kernel, e.hostname)
            }),
            field("toolchain", &|r| r.results.environment.rustc.clone()),
            field("wasmgauge", &|r| {
                let e = &r.results.environment;
                format!(
                    "{} · commit {}{}",
                    e.harness_version,
                    e.harness_commit.as_deref().map(|c| &c[..c.len().min(10)]).unwrap_or("unknown"),
                    if e.harness_dirty == Some(true) { " (dirty)" } else { "" }
                )
            }),
            field("runtimes", &|r| {
                r.results.environment.runtimes.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
            }),
            field("shards / merged from", &|r| {
                if r.results.merged_from.is_empty() {
                    r.results.shard.clone().map(|s| format!("shard {s}")).unwrap_or_else(|| "—".into())
                } else {
                    r.results
                        .merged_from
                        .iter()
                        .map(|m| {
                            format!(
                                "{} ({} on {}, {}, {} cores)",
                                m.run_id,
                                m.shard.as_deref().unwrap_or("whole"),
                                m.hostname,
                                m.cpu_model,
                                m.logical_cores
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            }),
            field("corpus manifest sha256", &|r| {
                r.results
                    .corpus
                    .as_ref()
                    .map(|c| c.manifest_sha256[..16.min(c.manifest_sha256.len())].to_string())
                    .unwrap_or_default()
            }),
        ];
        self.out.push_str("<div class=\"kv\">");
        table(&mut self.out, &head, rows);
        self.out.push_str("</div><h3>Engine configurations and their knobs</h3>");
        let mut head = vec!["engine".to_string()];
        if self.multi() {
            head.push("runs".into());
        }
        head.extend(["runtime".into(), "description".into(), "knobs".into()]);
        let mut seen: Vec<(results::EngineInfo, Vec<String>)> = Vec::new();
        for r in &m.runs {
            for e in &r.results.engines {
                match seen.iter_mut().find(|(s, _)| s == e) {
                    Some(slot) => slot.1.push(r.label.clone()),
                    None => seen.push((e.clone(), vec![r.label.clone()])),
                }
            }
        }
        let rows = seen
            .iter()
            .map(|(e, labels)| {
                let mut row = vec![td_text(&e.id)];
                if self.multi() {
                    row.push(td_text(&labels.join(", ")));
                }
                let knobs: Vec<String> = e.knobs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                row.extend([
                    td_text(&format!("{} {}", e.runtime, e.runtime_version)),
                    td_text(&e.description),
                    Td { html: knobs.iter().map(|k| esc(k)).collect::<Vec<_>>().join("<br/>"), class: "" },
                ]);
                row
            })
            .collect();
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }

    fn footer(&mut self, raw: &[String]) {
        self.out.push_str("<footer id=\"raw\"><b>Raw data beside this page:</b> ");
        for (i, name) in raw.iter().enumerate() {
            let _ = write!(self.out, "<a href=\"{0}\">{0}</a> ({1}) · ", esc(name), esc(&self.m.runs[i].label));
        }
        self.out.push_str(
            "<a href=\"results.csv\">results.csv</a> · <a href=\"summary.md\">summary.md</a>. \
             Generated by <code>wasmgauge report</code> from result files only.</footer>\n",
        );
    }
}

fn verdict_badge(v: Verdict) -> String {
    let class = serde_name(&v);
    format!("<span class=\"verdict v-{class}\">{}</span>", v.text())
}

/// The whole page; `raw` names the copied result files (same order as the runs).
pub fn render(model: &Model, raw: &[String]) -> Result<String> {
    let mut page = Page { m: model, out: String::new() };
    let title = format!(
        "wasmgauge report — {}",
        model.runs.iter().map(|r| r.results.run_id.as_str()).collect::<Vec<_>>().join(", ")
    );
    let _ = write!(
        page.out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>{}</title><style>{CSS}</style></head><body>\n",
        esc(&title)
    );
    page.header();
    page.summary();
    page.selection();
    page.claims();
    page.throughput()?;
    page.cold_start()?;
    page.call_overhead()?;
    page.latency()?;
    page.hosting()?;
    page.scaling()?;
    page.sandbox_tax();
    page.registered();
    page.wasi_guests()?;
    page.out.push_str(&super::wasi::html(model));
    page.out.push_str(&super::conformance::html(model));
    page.problems();
    page.method();
    page.runs();
    page.footer(raw);
    page.out.push_str("</body></html>\n");
    Ok(page.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_axis_labels() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(si_bytes(1000.0), "1 kB");
        assert_eq!(si_bytes(10.0), "10 B");
    }
}
