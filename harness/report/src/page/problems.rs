//! Cells that produced no figure: failed, skipped, unsupported.
use crate::markup::table;
use crate::page::{Page, td_text};

impl Page<'_> {
    pub(crate) fn problems(&mut self) {
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
}
