//! The summary: the headline table of the runs.
use crate::markup::table;
use crate::page::{Page, td_metric, td_text};
use crate::tables::{self};

impl Page<'_> {
    pub(crate) fn summary(&mut self) {
        self.out.push_str("<section id=\"summary\"><h2>Summary</h2>");
        self.out.push_str(
            "<p class=\"caption\">Medians with bootstrap 95% intervals; lower is better except in the per-GiB and per-second rows. \
             Green marks the best WebAssembly configuration in the row (the native baselines are the reference, not contestants). \
             Throughput, cold-start and process rows are geometric means over the workloads of the corpus; calls are single \
             benchmarks. For the baselines, the cold-start row is native's first call in a fresh driver process and the subprocess's \
             spawn → answer. Every answer behind these figures was checked against native's.</p>",
        );
        let rows = tables::summary_rows(self.m);
        let columns = tables::summary_columns(&rows);
        let mut head = vec!["metric".to_string()];
        head.extend(columns.iter().map(|&i| self.m.engines[i].clone()));
        let rows = rows
            .into_iter()
            .map(|r| {
                let mut row = vec![td_text(&r.label)];
                for &i in &columns {
                    let mut td = td_metric(r.cells[i].as_ref());
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
}
