//! The articles' claims, each judged from the figures that decide it.
use crate::claims::{self, Verdict};
use crate::markup::{Td, serde_name, table};
use crate::page::{Page, td_text};

impl Page<'_> {
    pub(crate) fn claims(&mut self) {
        self.out.push_str("<section id=\"claims\"><h2>Claims from the field</h2>");
        self.out.push_str(
            "<p class=\"caption\">Claims made by the articles that started this project (cited by title), \
             tested against this run's figures. A verdict needs the whole 95% interval on one side of the criterion; a claim \
             whose scenario is not in the results is \"not measured\".</p>",
        );
        let mut head = vec!["claim".to_string(), "article".into()];
        if self.multi() {
            head.push("run".into());
        }
        head.extend(["criterion".into(), "measured".into(), "verdict".into()]);
        let mut rows = Vec::new();
        let per_run: Vec<Vec<claims::ClaimRow>> = (0..self.m.runs.len()).map(|r| claims::evaluate(self.m, r)).collect();
        // Claim by claim, the runs side by side.
        for i in 0..per_run.first().map_or(0, Vec::len) {
            for c in per_run.iter().map(|rows| rows[i].clone()) {
                let run = c.run;
                let mut row = vec![
                    td_text(c.claim),
                    td_text(&c.sources.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join("; ")),
                ];
                if self.multi() {
                    row.push(td_text(&self.m.runs[run].label));
                }
                row.push(td_text(&c.criterion));
                row.push(td_text(&c.measured));
                row.push(Td { html: verdict_badge(c.verdict), class: "" });
                rows.push(row);
            }
        }
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }
}

fn verdict_badge(v: Verdict) -> String {
    let class = serde_name(&v);
    format!("<span class=\"verdict v-{class}\">{}</span>", v.text())
}
