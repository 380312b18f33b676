//! The terminal view of a finished run, built on the one flattening of the results file
//! ([`results::cells`]): lookups by scenario, workload, engine and metric, the status text of
//! a cell that has no figure, and the matrix table most scenarios print.
use comfy_table::{Cell as TableCell, CellAlignment, Table};
use results::ResultsFile;
use results::cells::{Cell, GEOMEAN, Problem};
use results::format::{new_table, noise_line};

/// A results file flattened once, for every scenario's summary.
pub struct View<'a> {
    /// The results file.
    pub results: &'a ResultsFile,
    /// Its figures.
    pub cells: Vec<Cell>,
    /// Its cells without a figure.
    pub problems: Vec<Problem>,
}

impl<'a> View<'a> {
    /// The view of a results file (flattened once).
    pub fn new(results: &'a ResultsFile) -> View<'a> {
        let (cells, problems) = results.flatten();
        View { results, cells, problems }
    }

    /// The figure of `scenario`, `workload`, `engine` and `metric`, if there is one.
    pub fn find(&self, scenario: &str, workload: &str, engine: &str, metric: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.scenario == scenario && c.workload == workload && c.engine == engine && c.metric == metric)
    }

    /// The workload keys of a scenario's metric, in first-seen order, corpus geomeans last.
    pub fn rows(&self, scenario: &str, metric: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut keys: Vec<&str> = self
            .cells
            .iter()
            .filter(|c| c.scenario == scenario && c.metric == metric)
            .map(|c| c.workload.as_str())
            .chain(self.problems.iter().filter(|p| p.scenario == scenario).map(|p| p.workload.as_str()))
            .collect();
        keys.sort_by_key(|k| k.starts_with(GEOMEAN));
        for k in keys {
            if !out.iter().any(|o| o == k) {
                out.push(k.to_string());
            }
        }
        out
    }

    /// Whether any cell of `scenario` has a figure of `metric`.
    pub fn has_metric(&self, scenario: &str, metric: &str) -> bool {
        self.cells.iter().any(|c| c.scenario == scenario && c.metric == metric)
    }

    /// Engines with a figure or a problem in a scenario, in the results file's engine order.
    pub fn engines_in(&self, scenario: &str) -> Vec<String> {
        self.results
            .engines
            .iter()
            .map(|e| e.id.clone())
            .filter(|id| {
                self.cells.iter().any(|c| c.scenario == scenario && &c.engine == id)
                    || self.problems.iter().any(|p| p.scenario == scenario && &p.engine == id)
            })
            .collect()
    }

    /// `FAILED` or `skipped` when a cell produced no figure, else empty.
    pub fn missing(&self, scenario: &str, workload: &str, engine: &str) -> String {
        match self.problems.iter().find(|p| p.scenario == scenario && p.workload == workload && p.engine == engine) {
            Some(p) if p.status == "skipped" => "skipped".into(),
            Some(p) if p.status == "unsupported" => "unsupported".into(),
            Some(_) => "FAILED".into(),
            None => String::new(),
        }
    }

    /// Workload rows by engine columns: `text(cell)` where a figure exists, else its status.
    pub fn matrix(&self, scenario: &str, metric: &str, text: impl Fn(&Cell) -> String) -> Table {
        self.matrix_of(scenario, metric, self.rows(scenario, metric), text)
    }

    /// [`View::matrix`] over the given workload rows only.
    pub fn matrix_of(&self, scenario: &str, metric: &str, rows: Vec<String>, text: impl Fn(&Cell) -> String) -> Table {
        let engines = self.engines_in(scenario);
        let mut header = vec!["workload".to_string()];
        header.extend(engines.iter().cloned());
        let mut table = new_table(header);
        for row in rows {
            let mut cells = vec![TableCell::new(&row)];
            for e in &engines {
                let t = match self.find(scenario, &row, e, metric) {
                    Some(c) => text(c),
                    None => self.missing(scenario, &row, e),
                };
                cells.push(TableCell::new(t).set_alignment(CellAlignment::Right));
            }
            table.add_row(cells);
        }
        table
    }

    /// The noise line under a table of a scenario's metric (outliers and spread of samples).
    pub fn noise(&self, scenario: &str, metric: &str) -> String {
        let summaries: Vec<(String, &stats::Summary)> = self
            .cells
            .iter()
            .filter(|c| c.scenario == scenario && c.metric == metric)
            .filter_map(|c| Some((format!("{} on {}", c.workload, c.engine), c.summary.as_ref()?)))
            .collect();
        noise_line(&summaries)
    }
}
