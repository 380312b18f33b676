//! Which to pick for what: each pick with its interval, linked to its figure.
use crate::markup::{Td, esc, table};
use crate::page::{Page, td_text};

impl Page<'_> {
    /// The selection study view: the configurations by kind, the support matrix, and which to
    /// pick for what.
    pub(crate) fn selection(&mut self) {
        let m = self.m;
        let rows = crate::selection::support_matrix(m, 0);
        if rows.is_empty() {
            return;
        }
        self.out.push_str(
            "<section id=\"selection\"><h2>Runtime selection</h2><h3>Which to pick for what</h3><p class=\"caption\">\
             Generated from this run's figures (the first run where several are shown): the best WebAssembly configuration \
             for each need, with the runner-up; each links to the section its figure comes from. A need whose figures are \
             not in the results has no row.</p>",
        );
        let picks = crate::selection::picks(m, 0);
        let pick_rows = picks
            .iter()
            .map(|p| {
                vec![
                    Td { html: format!("<a href=\"#{}\">{}</a>", p.anchor, esc(p.need)), class: "" },
                    match p.clear {
                        true => Td { html: format!("<b>{}</b>", esc(&p.engine)), class: "best" },
                        false => td_text(&p.verdict()),
                    },
                    td_text(&p.figure),
                    td_text(&p.runner_up.as_ref().map(|(e, f)| format!("{e}: {f}")).unwrap_or_default()),
                ]
            })
            .collect();
        table(&mut self.out, &["need", "pick", "figure", "runner-up"].map(String::from), pick_rows);
        self.out.push_str(
            "<h3 id=\"support-matrix\">Support matrix</h3><p class=\"caption\">Which configuration took part in what, grouped \
             by kind of execution, with the throughput workloads it answered correctly and the proposals its conformance \
             side declares. ✓: it ran (hover for the count of figures); ✗: it was planned and failed (hover for the \
             first error); —: its line in the subject registry leaves it out (hover for why); \"not run\": this run did not \
             select it.</p>",
        );
        let mut head = vec!["kind".to_string(), "configuration".into(), "workloads ok".into()];
        head.extend(crate::selection::COLUMNS.iter().map(|(h, _)| h.to_string()));
        head.push("proposals (declared)".into());
        let mut sorted: Vec<&crate::selection::SupportRow> = rows.iter().collect();
        sorted.sort_by_key(|r| r.kind.unwrap_or(results::ExecutionKind::Native));
        let body = sorted
            .iter()
            .map(|r| {
                let mut row =
                    vec![td_text(r.kind.map_or("–", |k| k.label())), td_text(&r.engine), td_text(&r.workloads)];
                row.extend(r.cells.iter().map(|c| {
                    let class = match c {
                        crate::selection::Support::Ran { .. } => "good",
                        crate::selection::Support::Failed { .. } => "bad",
                        _ => "na",
                    };
                    Td { html: format!("<span title=\"{}\">{}</span>", esc(&c.detail()), esc(&c.text())), class }
                }));
                row.push(td_text(&r.proposals));
                row
            })
            .collect();
        table(&mut self.out, &head, body);
        self.out.push_str("</section>\n");
    }
}
