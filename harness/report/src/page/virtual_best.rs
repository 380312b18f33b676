//! The virtual best: each configuration against the fastest per workload.
use crate::charts::{self, BarSeries};
use crate::model::GEOMEAN;
use crate::page::{Page, figure, legend};
use anyhow::Result;
use plotters::style::RGBColor;
use results::ids;

impl Page<'_> {
    /// Each WebAssembly configuration against the fastest WebAssembly configuration of each
    /// workload (1× = it was the fastest), chart of the geomeans and the table per workload.
    pub(crate) fn virtual_best(&mut self) -> Result<()> {
        let workloads = self.m.workloads(ids::THROUGHPUT, "ratio_to_best");
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
        let keys = self.series_keys(ids::THROUGHPUT, "ratio_to_best");
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
                    .map(|w| self.m.find(*run, ids::THROUGHPUT, w, e, "ratio_to_best").map(|m| m.estimate()))
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
        self.metric_table(ids::THROUGHPUT, "ratio_to_best", &workloads, "workload");
        Ok(())
    }
}
