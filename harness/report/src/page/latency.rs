//! Latency: per-call percentiles from the HdrHistograms.
use crate::charts::{self, LineData};
use crate::markup::{esc, table};
use crate::model::{LATENCY_QUANTILES, Metric};
use crate::page::{Page, figure, legend, td_metric, td_text};
use anyhow::Result;
use results::ids;
use std::fmt::Write as _;

impl Page<'_> {
    pub(crate) fn latency(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"latency\"><h2>Latency percentiles</h2>");
        let targets = self.m.workloads(ids::LATENCY, "p50");
        if targets.is_empty() {
            self.out.push_str("<p class=\"caption\">No latency scenario in these results.</p></section>\n");
            return Ok(());
        }
        let workload = targets.iter().find(|t| t.contains('/')).cloned();
        let call = targets.iter().find(|t| t.as_str() == "empty typed").cloned();
        for (i, target) in [workload, call].into_iter().flatten().enumerate() {
            let keys: Vec<(String, usize)> = self
                .series_keys(ids::LATENCY, "p50")
                .into_iter()
                .filter(|(e, r)| self.m.find(*r, ids::LATENCY, &target, e, "p50").is_some())
                .collect();
            let mut lines = Vec::new();
            let mut items = Vec::new();
            let mut rows = Vec::new();
            for (e, run) in &keys {
                let ms: Vec<Option<&Metric>> =
                    LATENCY_QUANTILES.iter().map(|q| self.m.find(*run, ids::LATENCY, &target, e, q)).collect();
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
            for x in self.m.metrics.iter().filter(|x| x.scenario == ids::LATENCY && x.workload == target) {
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
}
