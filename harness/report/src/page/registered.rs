//! Scenarios registered without a section of their own: each metric as a table.
use crate::markup::esc;
use crate::page::Page;
use std::fmt::Write as _;

impl Page<'_> {
    /// Scenarios registered without a section of their own on this page: each metric of each,
    /// as a table (workloads by engines, with intervals).
    pub(crate) fn registered(&mut self) {
        let mut names: Vec<String> = Vec::new();
        for r in &self.m.runs {
            for name in r.results.scenarios.other.keys() {
                if !names.contains(name) && !super::OWN_SECTION.contains(&name.as_str()) {
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
}
