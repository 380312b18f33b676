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

    /// Figures beyond what the machine can do (measured at run start: its fastest copy, its
    /// clock's resolution, its cheapest system call), each with why; none is used by a claim.
    pub(crate) fn implausible(&mut self) {
        let flagged: Vec<&crate::model::Metric> = self.m.metrics.iter().filter(|m| m.implausible.is_some()).collect();
        if flagged.is_empty() {
            return;
        }
        self.out.push_str(
            "<section id=\"implausible\"><h2>Figures this machine cannot produce</h2><p class=\"caption\">Each \
             run measured the machine's limits before its first cell (its fastest memory copy per size, its clock's \
             resolution, its cheapest system call). These figures lie beyond them, so they measure something other \
             than what they name; their cells are marked ⚠ in the tables and no claim is decided from them.</p>",
        );
        let mut head = self.run_head("scenario");
        head.extend(["workload".into(), "engine".into(), "metric".into(), "why".into()]);
        let rows = flagged
            .iter()
            .map(|m| {
                let mut row = vec![td_text(&m.scenario)];
                if self.multi() {
                    row.push(td_text(&self.m.runs[m.run].label));
                }
                let why = m.implausible.as_deref().unwrap_or("");
                row.extend([td_text(&m.workload), td_text(&m.engine), td_text(&m.metric), td_text(why)]);
                row
            })
            .collect();
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }
}
