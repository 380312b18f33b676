//! Scaling: requests per second and p99 per thread level, with each configuration's ideal line.
use crate::charts::{self, LineData};
use crate::markup::{Td, esc, table};
use crate::page::{Page, figure, legend, td_metric, td_text};
use crate::tables::fmt_value;
use anyhow::Result;
use results::ids;
use std::fmt::Write as _;

impl Page<'_> {
    /// Throughput and instantiation rate against threads, from one thread to every core and one
    /// oversubscribed level, each configuration with its ideal linear line (one thread's rate
    /// times the threads), and p99 per level.
    pub(crate) fn scaling(&mut self) -> Result<()> {
        let m = self.m;
        let levels = m.workloads(ids::CONCURRENCY, "requests_per_s");
        let rate_levels = m.workloads(ids::DENSITY, "instantiate_per_s");
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
            .find(|x| x.scenario == ids::CONCURRENCY && x.metric == "p99")
            .map(|x| x.note.clone())
            .unwrap_or_default();
        self.scaling_chart(
            (ids::CONCURRENCY, "requests_per_s"),
            &levels,
            &format!("Requests per second: a new instance per request (`{workload}`)"),
            "chart-concurrency",
            "Requests per second against threads. A request instantiates the shared compiled module, writes the input, \
             calls, verifies and drops the instance; native is a plain call, subprocess a fresh process per request.",
        )?;
        if !levels.is_empty() {
            let engines = m.engines_with(ids::CONCURRENCY, "requests_per_s");
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
                        let rps = m.find(run, ids::CONCURRENCY, l, e, "requests_per_s");
                        let p99 = m.find(run, ids::CONCURRENCY, l, e, "p99");
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
            (ids::DENSITY, "instantiate_per_s"),
            &rate_levels,
            "Instantiations per second (instantiate and drop)",
            "chart-instantiation-scaling",
            "Instantiate-and-drop operations per second against threads, all threads sharing one compiled module \
             (the density scenario's host workload); subprocess: fresh processes per second.",
        )?;
        if !rate_levels.is_empty() {
            self.metric_table(ids::DENSITY, "instantiate_per_s", &rate_levels, "threads");
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// One scaling chart: `metric` of `scenario` at each level key (`N threads`), a solid line
    /// per configuration and its dashed ideal.
    pub(crate) fn scaling_chart(
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
}
