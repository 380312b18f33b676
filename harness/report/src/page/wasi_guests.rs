//! The page's section on WASI guests: the corpus's modules with their source language and
//! toolchain; the `wasi-programs` scenario (each WASI program's run time against its native
//! twin, compile and instantiate); compile time against module size per configuration (from
//! `wasi-programs` and `cold-start`), where compilers differ most; and the `wasi-io` scenario
//! (what one WASI call costs against the same program native, in ns and MB/s).
use crate::charts::{self, BarSeries, LineData};
use crate::markup::{Td, esc, table};
use crate::page::{Page, figure, legend, si_bytes, td_text};
use anyhow::Result;
use results::SubjectKind;
use results::ids;
use stats::Estimate;
use std::fmt::Write as _;

impl Page<'_> {
    pub(crate) fn wasi_guests(&mut self) -> Result<()> {
        let has = |s: &str| self.m.metrics.iter().any(|m| m.scenario == s);
        let (programs, io) = (has(ids::WASI_PROGRAMS), has(ids::WASI_IO));
        if !programs && !io {
            return Ok(());
        }
        self.out.push_str("<section id=\"wasi-guests\"><h2>WASI guests</h2>");
        self.corpus_table();
        if programs {
            self.programs()?;
            self.compile_vs_size()?;
        }
        if io {
            self.io()?;
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// Each corpus module's kind, language, toolchain and size (from the first run that
    /// describes its corpus).
    fn corpus_table(&mut self) {
        let Some(corpus) =
            self.m.runs.iter().find_map(|r| r.results.corpus.as_ref().filter(|c| !c.described.is_empty()))
        else {
            return;
        };
        self.out.push_str(
            "<h3>Corpus</h3><p class=\"caption\">Every guest module: source language, the toolchain that built it \
             for WebAssembly and what built its native twin, and its size. WASI programs import WASI preview 1 and \
             run as commands (<code>_start</code>).</p>",
        );
        let head =
            ["module", "kind", "language", "toolchain", "target", "native twin built by", "embeds", "bytes", "WASI"]
                .map(String::from);
        let rows = corpus
            .described
            .iter()
            .map(|m| {
                let t = m.toolchain.as_ref();
                let kind =
                    serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                vec![
                    td_text(&m.name),
                    td_text(&kind),
                    td_text(&m.language),
                    td_text(&t.map(|t| format!("{} {}", t.name, t.version)).unwrap_or_default()),
                    td_text(&t.map(|t| t.target.clone()).unwrap_or_default()),
                    td_text(&t.map(|t| t.native.clone()).unwrap_or_default()),
                    td_text(&t.and_then(|t| t.embeds.clone()).unwrap_or_default()),
                    Td { html: m.bytes.to_string(), class: "num" },
                    td_text(if m.is_wasi { "yes" } else { "" }),
                ]
            })
            .collect();
        table(&mut self.out, &head, rows);
    }

    /// `engine`'s figure over native's on the same workload of `scenario` (the ratio of medians
    /// with a bootstrap interval when both have samples; else the point ratio).
    fn ratio_to_native(
        &self,
        run: usize,
        scenario: &str,
        workload: &str,
        engine: &str,
        metric: &str,
    ) -> Option<Estimate> {
        let native = self.m.subject_of_kind(run, SubjectKind::Native)?;
        let a = self.m.find(run, scenario, workload, engine, metric)?;
        let b = self.m.find(run, scenario, workload, native, metric)?;
        Some(match (&a.samples, &b.samples) {
            (Some(sa), Some(sb)) if !sa.is_empty() && !sb.is_empty() => stats::ratio_of_medians(sa, sb),
            _ => {
                let v = a.value / b.value;
                Estimate { value: v, ci95_low: v, ci95_high: v }
            }
        })
    }

    /// Grouped bars of each WebAssembly configuration's ratio to native, one group per row of
    /// `scenario`'s `metric`.
    fn ratio_chart(&mut self, scenario: &str, metric: &str, id: &str, y_desc: &str, caption: &str) -> Result<()> {
        let groups = self.m.workloads(scenario, metric);
        let keys: Vec<(String, usize)> = self
            .series_keys(scenario, metric)
            .into_iter()
            .filter(|(e, run)| self.m.subject_of_kind(*run, SubjectKind::Native) != Some(e.as_str()))
            .collect();
        let mut items = Vec::new();
        let mut series = Vec::new();
        for (e, run) in &keys {
            let (name, color) = self.series(e, *run);
            items.push((name, color));
            let values = groups.iter().map(|g| self.ratio_to_native(*run, scenario, g, e, metric)).collect();
            series.push(BarSeries { color, values });
        }
        legend(&mut self.out, &items);
        let svg = charts::grouped_bars_log(&groups, &series, y_desc, Some(1.0), &|v| format!("{v}×"))?;
        figure(&mut self.out, id, svg, caption);
        Ok(())
    }

    fn programs(&mut self) -> Result<()> {
        self.out.push_str(
            "<h3>WASI programs</h3><p class=\"caption\">The corpus's WASI programs run as commands on every \
             configuration with a WASI layer, each run in a fresh copy of the program's data directory; every run's \
             exit code, stdout and written files equal what the native twin (the same source built for the host) \
             produced, or the cell fails and shows no number.</p>",
        );
        self.ratio_chart(
            ids::WASI_PROGRAMS,
            "run",
            "chart-wasi-programs",
            "run time ÷ native twin (log)",
            "Each configuration's median time of one run of the program (_start, compiled and instantiated \
             beforehand) over the native twin's (its whole process, spawn to exit: about a millisecond of exec \
             counts against native). 1× = native. Whiskers: bootstrap 95% interval of the ratio.",
        )?;
        let programs = self.m.workloads(ids::WASI_PROGRAMS, "run");
        for (metric, title) in [
            ("run", "Run time (WebAssembly: _start; native twin: whole process)"),
            ("compile", "Compile from bytes (one per cell)"),
            ("instantiate", "Instantiate (a fresh WASI context, store and instance)"),
        ] {
            let _ = write!(self.out, "<h4>{}</h4>", esc(title));
            self.metric_table(ids::WASI_PROGRAMS, metric, &programs, "program");
        }
        Ok(())
    }

    /// Compile time against module size, a line per configuration through its modules.
    fn compile_vs_size(&mut self) -> Result<()> {
        self.out.push_str("<h3>Compile time against module size</h3>");
        let mut lines = Vec::new();
        let mut items = Vec::new();
        let engines = self.m.engines.clone();
        for run in 0..self.m.runs.len() {
            let Some(corpus) = self.m.runs[run].results.corpus.as_ref() else { continue };
            let size = |workload: &str| {
                let name = workload.split('/').next().unwrap_or(workload);
                corpus.described.iter().find(|m| m.name == name).map(|m| m.bytes as f64)
            };
            for e in &engines {
                let mut points: Vec<(f64, f64)> = self
                    .m
                    .metrics
                    .iter()
                    .filter(|x| x.run == run && &x.engine == e && x.metric == "compile")
                    .filter(|x| x.scenario == ids::WASI_PROGRAMS || x.scenario == ids::COLD_START)
                    .filter_map(|x| Some((size(&x.workload)?, x.value)))
                    .collect();
                if points.is_empty() {
                    continue;
                }
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                points.dedup_by(|a, b| a.0 == b.0);
                let (name, color) = self.series(e, run);
                items.push((name, color));
                lines.push(LineData { color, points, dashed: false });
            }
        }
        legend(&mut self.out, &items);
        let svg = charts::lines_log(
            &lines,
            &[],
            "module size (bytes, log)",
            "compile time (log)",
            &|v| si_bytes(*v),
            &|v| charts::axis_ns(*v),
        )?;
        figure(
            &mut self.out,
            "chart-compile-vs-size",
            svg,
            "Median compile time from bytes of each corpus module against its size, per configuration (the Rust \
             workloads' from cold-start, the WASI programs' from wasi-programs). Optimizing compilers (Cranelift) \
             grow fastest with size; baseline compilers (Winch, Singlepass) and interpreters (wasmi) translate far \
             faster.",
        );
        Ok(())
    }

    fn io(&mut self) -> Result<()> {
        self.out.push_str(
            "<h3>WASI I/O: the cost of one call</h3><p class=\"caption\">The corpus's Rust <code>wasi_io</code> \
             program, built for WASI and natively, does one untimed and then K timed operations of one kind per \
             run and reports the K's time on its own monotonic clock; that time over K is one sample of one \
             operation's cost, so start-up, instantiation, process exec and a first operation's page faults never \
             reach it (results before schema 15: K against 2K runs timed whole). write/read: seek to 0 and write or read the buffer; stat: open, fstat, close; stdout: one \
             write; clock: monotonic and real-time clock; random: 32 random bytes. Every run's output and files \
             equal the native twin's.</p>",
        );
        self.ratio_chart(
            ids::WASI_IO,
            "ns_per_op",
            "chart-wasi-io",
            "time per operation ÷ native (log)",
            "Each configuration's median cost of one operation over native's (1× = native, line). Whiskers: \
             bootstrap 95% interval of the ratio of medians.",
        )?;
        let ops = self.m.workloads(ids::WASI_IO, "ns_per_op");
        self.out.push_str("<h4>Time per operation</h4>");
        self.metric_table(ids::WASI_IO, "ns_per_op", &ops, "operation");
        let moving = self.m.workloads(ids::WASI_IO, "mb_per_s");
        self.out.push_str("<h4>Throughput of the operations that move bytes (10<sup>6</sup> bytes per second)</h4>");
        self.metric_table(ids::WASI_IO, "mb_per_s", &moving, "operation");
        Ok(())
    }
}
