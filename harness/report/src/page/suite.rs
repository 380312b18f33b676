//! The page's section on a benchmark suite in Sightglass's layout (the `suite` scenario, `run
//! --suite PATH`): each benchmark's time between bench.start and bench.end per configuration,
//! its ratio to the fastest configuration on that benchmark, each configuration's geometric mean
//! of those ratios with an interval across the benchmarks, and which cells ran. A run that
//! counted instructions (`--measure instructions`) shows its counts the same way.
use crate::charts::{self, BarSeries};
use crate::markup::{Td, table};
use crate::page::{Page, figure, legend, td_text};
use anyhow::Result;
use results::{CellStatus, ids};
use stats::Estimate;

impl Page<'_> {
    pub(crate) fn suite(&mut self) -> Result<()> {
        if !self.m.metrics.iter().any(|m| m.scenario == ids::SUITE) {
            return Ok(());
        }
        self.out.push_str(
            "<section id=\"suite\"><h2>Benchmark suite (Sightglass's protocol)</h2><p class=\"caption\">Each \
             benchmark is a WASI command that calls <code>bench.start</code> and <code>bench.end</code> once each; \
             the figure is the time between the two (what Sightglass reports), inside one run of <code>_start</code>. \
             Every run's stdout and stderr equal the suite's expected files, or the cell fails and shows no number. \
             Each cell ran in several fresh driver processes: the geometric mean of their medians, with the Student t \
             95% interval across processes.</p>",
        );
        // A counted run has instruction counts and no times.
        let counted = !self.m.metrics.iter().any(|m| m.scenario == ids::SUITE && m.metric == "bench");
        let (main, what) = if counted { (ids::SUITE_BENCH_INSTRUCTIONS, "instructions") } else { ("bench", "time") };
        if counted {
            self.out.push_str(
                "<p class=\"caption\">This run counted instructions instead (<code>--measure instructions</code>): \
                 each driver process ran under Valgrind's callgrind, which counted every instruction from \
                 <code>bench.start</code> to <code>bench.end</code> (the runtime's and the guest's).</p>",
            );
        }
        let benchmarks = self.m.workloads(ids::SUITE, main);
        let keys = self.series_keys(ids::SUITE, main);
        let mut items = Vec::new();
        let mut series = Vec::new();
        let mut geomeans = Vec::new();
        for (e, run) in &keys {
            let (name, color) = self.series(e, *run);
            items.push((name.clone(), color));
            let values: Vec<Option<Estimate>> = benchmarks.iter().map(|b| self.to_fastest(*run, b, e, main)).collect();
            let ratios: Vec<f64> = values.iter().flatten().map(|r| r.value).collect();
            geomeans.push((name, stats::levels::geometric_mean_t(&ratios, 0.95), ratios.len()));
            series.push(BarSeries { color, values });
        }
        legend(&mut self.out, &items);
        let axis = format!("{what} ÷ fastest configuration (log)");
        let svg = charts::grouped_bars_log(&benchmarks, &series, &axis, Some(1.0), &|v| format!("{v}×"))?;
        figure(
            &mut self.out,
            "chart-suite",
            svg,
            &format!(
                "Each configuration's bench.start-to-bench.end {what} over the fastest configuration's on the same \
                 benchmark (1× = the fastest). Whiskers: the configuration's own interval over the fastest's figure."
            ),
        );
        self.out.push_str("<h4>Geometric mean of the ratios to the fastest configuration</h4>");
        let rows = geomeans
            .iter()
            .map(|(name, g, n)| {
                let figure = match g {
                    Some(g) => results::format::fmt_estimate(g, |v| format!("{v:.2}×")),
                    None => "–".into(),
                };
                vec![td_text(name), Td { html: figure, class: "num" }, Td { html: n.to_string(), class: "num" }]
            })
            .collect();
        table(
            &mut self.out,
            &["configuration", "geomean ÷ fastest (t 95% interval across benchmarks)", "benchmarks"].map(String::from),
            rows,
        );
        let tables: &[(&str, &str)] = if counted {
            &[(ids::SUITE_BENCH_INSTRUCTIONS, "Instructions from bench.start to bench.end (callgrind)")]
        } else {
            &[
                ("bench", "bench.start to bench.end"),
                ("compile", "Compile from bytes (one per process)"),
                ("instantiate", "Instantiate (a fresh WASI context and instance)"),
            ]
        };
        for (metric, title) in tables {
            self.out.push_str(&format!("<h4>{title}</h4>"));
            self.metric_table(ids::SUITE, metric, &benchmarks, "benchmark");
        }
        self.suite_support();
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// `engine`'s `metric` figure over the fastest configuration's on `benchmark` (the
    /// fastest's figure taken as exact).
    fn to_fastest(&self, run: usize, benchmark: &str, engine: &str, metric: &str) -> Option<Estimate> {
        let fastest = self
            .m
            .metrics
            .iter()
            .filter(|m| m.run == run && m.scenario == ids::SUITE && m.workload == benchmark && m.metric == metric)
            .map(|m| m.value)
            .fold(f64::INFINITY, f64::min);
        let m = self.m.find(run, ids::SUITE, benchmark, engine, metric)?;
        let (lo, hi) = m.ci95.unwrap_or((m.value, m.value));
        Some(Estimate { value: m.value / fastest, ci95_low: lo / fastest, ci95_high: hi / fastest })
    }

    /// Benchmarks by configurations: ran, failed (with why on hover) or unsupported.
    fn suite_support(&mut self) {
        for (run, r) in self.m.runs.iter().enumerate() {
            let Some(section) = r.results.scenarios.other.get(ids::SUITE) else { continue };
            let mut engines: Vec<&str> = Vec::new();
            let mut benchmarks: Vec<&str> = Vec::new();
            for c in &section.cells {
                if !engines.contains(&c.engine.as_str()) {
                    engines.push(&c.engine);
                }
                if !benchmarks.contains(&c.workload.as_str()) {
                    benchmarks.push(&c.workload);
                }
            }
            let label = if self.m.runs.len() > 1 { format!(" ({})", self.m.runs[run].label) } else { String::new() };
            self.out.push_str(&format!(
                "<h4>Which ran{label}</h4><p class=\"caption\">✓ ran with its expected output · ✗ failed (why: on \
                 hover) · unsupported: the configuration lacks a proposal the benchmark needs.</p>"
            ));
            let mut head = vec!["benchmark".to_string()];
            head.extend(engines.iter().map(|e| e.to_string()));
            let rows = benchmarks
                .iter()
                .map(|b| {
                    let mut row = vec![td_text(b)];
                    for e in &engines {
                        let cell = section.cells.iter().find(|c| c.workload == *b && c.engine == *e);
                        row.push(match cell.map(|c| (c.status, c.error.as_deref().unwrap_or(""))) {
                            Some((CellStatus::Ok, _)) => Td { html: "✓".into(), class: "" },
                            Some((CellStatus::Unsupported, why)) => Td {
                                html: format!("<span title=\"{}\">unsupported</span>", crate::markup::esc(why)),
                                class: "na",
                            },
                            Some((_, why)) => Td {
                                html: format!("<span title=\"{}\">✗</span>", crate::markup::esc(why)),
                                class: "",
                            },
                            None => Td { html: "–".into(), class: "na" },
                        });
                    }
                    row
                })
                .collect();
            table(&mut self.out, &head, rows);
        }
    }
}
