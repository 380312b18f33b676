//! The sandbox tax: time with a limit on over without, per engine and limit.
use crate::markup::{esc, table};
use crate::model::{GEOMEAN, Metric};
use crate::page::{Page, td_metric, td_text};
use results::ids;
use std::fmt::Write as _;

impl Page<'_> {
    pub(crate) fn sandbox_tax(&mut self) {
        self.out.push_str("<section id=\"sandbox-tax\"><h2>Sandbox tax: the cost of resource limits</h2>");
        let m = self.m;
        let limits: Vec<String> = {
            let mut v: Vec<String> = Vec::new();
            for x in m.metrics.iter().filter(|x| x.scenario == ids::SANDBOX_TAX) {
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
            limits.iter().flat_map(|l| m.workloads(ids::SANDBOX_TAX, l)).filter(|w| w.starts_with(GEOMEAN)).collect();
        for key in &geo_keys {
            for e in &m.engines {
                for run in 0..m.runs.len() {
                    let cells: Vec<Option<&Metric>> =
                        limits.iter().map(|l| m.find(run, ids::SANDBOX_TAX, key, e, l)).collect();
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
                m.workloads(ids::SANDBOX_TAX, l).into_iter().filter(|w| !w.starts_with(GEOMEAN)).collect();
            let _ = write!(self.out, "<p class=\"caption\">{}</p>", esc(l.trim_start_matches("ratio_")));
            self.metric_table(ids::SANDBOX_TAX, l, &workloads, "workload");
        }
        self.out.push_str("</section>\n");
    }
}
