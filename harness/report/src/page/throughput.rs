//! Throughput: time per call and ratio to native, per workload and configuration.
use crate::charts::{self, BarSeries};
use crate::markup::esc;
use crate::model::GEOMEAN;
use crate::page::{Page, figure, legend, td_between_share};
use anyhow::Result;
use plotters::style::RGBColor;
use results::ids;

impl Page<'_> {
    pub(crate) fn throughput(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"throughput\"><h2>Throughput: time per call relative to native</h2>");
        let which = self.which_native();
        let workloads = self.m.workloads(ids::THROUGHPUT, "ratio_to_native");
        let in_rounds = self.m.runs.iter().any(|r| r.results.schedule.is_some());
        let keys = self.series_keys(ids::THROUGHPUT, "ratio_to_native");
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
                        .map(|w| self.m.find(*run, ids::THROUGHPUT, w, e, "ratio_to_native").map(|m| m.estimate()))
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
                     \"geomean\": geometric mean over the workloads. {which}"
                ),
            );
        }
        self.out.push_str(&format!("<h3>Ratio to native</h3><p class=\"caption\">{}</p>", esc(&which)));
        self.metric_table(ids::THROUGHPUT, "ratio_to_native", &workloads, "workload");
        self.virtual_best()?;
        self.out.push_str("<h3>Median time per call</h3>");
        let times = self.m.workloads(ids::THROUGHPUT, "time_per_call");
        self.metric_table(ids::THROUGHPUT, "time_per_call", &times, "workload");
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
            self.metric_table_with(ids::THROUGHPUT, "time_per_call", &times, "workload", &td_between_share);
        }
        self.out.push_str("</section>\n");
        Ok(())
    }
}

impl Page<'_> {
    /// Which native every ratio is to: the portable build, with the host-tuned one (when the
    /// run has it) as a configuration of its own.
    fn which_native(&self) -> String {
        let r = &self.m.runs[0].results;
        let portable = r.native_id().unwrap_or("native");
        let knob = |id: &str, k: &str| r.engine(id).and_then(|e| e.knobs.get(k).cloned()).unwrap_or_default();
        let tuned = r.tuned_native_id();
        let mut text = format!(
            "Ratios are to {portable} (built for {}; features: {}).",
            knob(portable, "target_cpu"),
            knob(portable, "target_features")
        );
        if let Some(t) = tuned {
            text.push_str(&format!(
                " {t} is the same source built for this machine's CPU ({}; features: {}): its own row is what \
                 tuning for the CPU gains; the near-native claim is judged against the faster of the two.",
                knob(t, "target_cpu"),
                knob(t, "target_features")
            ));
        }
        text
    }
}
