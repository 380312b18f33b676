//! The page builder the report's sections share: [`Page`] (the model and the HTML written so
//! far), series names and colours, the workloads x engines table of one metric, the legend and
//! figure wrappers, and table cells. Each section of the page is a module of its own below,
//! an `impl Page` with one entry method; [`crate::html`] puts them in order.
mod call_overhead;
mod claims;
mod cold_start;
mod components;
mod footer;
mod header;
mod hosting;
mod latency;
mod method;
mod problems;
mod registered;
mod runs;
mod sandbox_tax;
mod scaling;
mod selection;
mod suite;
mod summary;
mod throughput;
mod virtual_best;
pub(crate) mod wasi_guests;
/// The registered scenarios (generic sections) that have a section of their own on the page
/// ([`wasi_guests`], [`suite`]); the others are drawn by the `registered` section.
pub(crate) const OWN_SECTION: &[&str] = &[ids::WASI_PROGRAMS, ids::WASI_IO, ids::SUITE];

use crate::charts;
use crate::markup::{Td, esc, table};
use crate::model::{Metric, Model};
use crate::tables::{fmt_interval, fmt_value};
use plotters::style::RGBColor;
use results::ids;
use std::fmt::Write as _;

pub(crate) fn td_text(s: &str) -> Td {
    Td { html: esc(s), class: "" }
}

/// A figure measured in several worker processes: the share of its variance between processes,
/// with what the steady-state check found (`3 processes, 40% ...; slowdown: 1`) on hover.
pub(crate) fn td_between_share(m: Option<&Metric>) -> Td {
    match m.and_then(|m| m.across.as_ref().map(|a| (m, a))) {
        None => Td { html: "–".into(), class: "na" },
        Some((m, a)) => {
            let mark = if a.unsteady > 0 { "<sup>‡</sup>" } else { "" };
            let share = a.between_share * 100.0;
            Td { html: format!("<span title=\"{}\">{share:.0}%{mark}</span>", esc(&m.note)), class: "num" }
        }
    }
}

pub(crate) fn td_metric(m: Option<&Metric>) -> Td {
    match m {
        None => Td { html: "–".into(), class: "na" },
        Some(m) => {
            let ci = fmt_interval(m);
            let ci = if ci.is_empty() { String::new() } else { format!("<span class=\"ci\">{}</span>", esc(&ci)) };
            // A percentile-bootstrap interval can miss its own point estimate when the samples are
            // bimodal; flag it rather than hide it.
            let outside = m.ci95.is_some_and(|(lo, hi)| m.value < lo || m.value > hi);
            let mut mark =
                if outside { "<sup title=\"estimate outside its bootstrap interval\">†</sup>" } else { "" }.to_string();
            if let Some(why) = &m.implausible {
                mark.push_str(&format!("<sup class=\"implausible\" title=\"{}\">⚠</sup>", esc(why)));
            }
            Td { html: format!("{}{mark}{ci}", esc(&fmt_value(&m.unit, m.value))), class: "num" }
        }
    }
}

pub(crate) fn legend(out: &mut String, items: &[(String, RGBColor)]) {
    out.push_str("<ul class=\"legend\">");
    for (name, color) in items {
        let _ = write!(
            out,
            "<li><span class=\"sw\" style=\"background:{}\"></span>{}</li>",
            charts::css_color(*color),
            esc(name)
        );
    }
    out.push_str("</ul>\n");
}

pub(crate) fn figure(out: &mut String, id: &str, svg: Option<String>, caption: &str) {
    match svg {
        Some(svg) => {
            let _ = write!(
                out,
                "<figure id=\"{id}\" class=\"chart\">{svg}</figure>\n<p class=\"caption\">{}</p>\n",
                esc(caption)
            );
        }
        None => {
            let _ = writeln!(out, "<p class=\"caption\" id=\"{id}\">No data for this chart in these results.</p>");
        }
    }
}

/// Page builder over one model.
pub(crate) struct Page<'a> {
    pub(crate) m: &'a Model,
    pub(crate) out: String,
}

impl Page<'_> {
    pub(crate) fn multi(&self) -> bool {
        self.m.runs.len() > 1
    }

    pub(crate) fn engine_index(&self, engine: &str) -> usize {
        self.m.engines.iter().position(|e| e == engine).unwrap_or(0)
    }

    /// Series name and colour of (engine, run).
    pub(crate) fn series(&self, engine: &str, run: usize) -> (String, RGBColor) {
        let name = if self.multi() { format!("{engine} · {}", self.m.runs[run].label) } else { engine.to_string() };
        (name, charts::series_color(self.engine_index(engine), run))
    }

    /// (engine, run) pairs that have the metric, engines in order, runs inside.
    pub(crate) fn series_keys(&self, scenario: &str, metric: &str) -> Vec<(String, usize)> {
        let mut keys = Vec::new();
        for e in self.m.engines_with(scenario, metric) {
            for run in 0..self.m.runs.len() {
                if self
                    .m
                    .metrics
                    .iter()
                    .any(|x| x.run == run && x.engine == e && x.scenario == scenario && x.metric == metric)
                {
                    keys.push((e.clone(), run));
                }
            }
        }
        keys
    }

    pub(crate) fn run_head(&self, first: &str) -> Vec<String> {
        let mut h = vec![first.to_string()];
        if self.multi() {
            h.push("run".into());
        }
        h
    }

    /// Workloads (or benchmarks) x engines table of one metric, one row per workload and run.
    pub(crate) fn metric_table(&mut self, scenario: &str, metric: &str, workloads: &[String], first: &str) {
        self.metric_table_with(scenario, metric, workloads, first, &td_metric)
    }

    /// [`Page::metric_table`] with each figure shown by `td`.
    pub(crate) fn metric_table_with(
        &mut self,
        scenario: &str,
        metric: &str,
        workloads: &[String],
        first: &str,
        td: &dyn Fn(Option<&Metric>) -> Td,
    ) {
        let engines = self.m.engines_with(scenario, metric);
        let mut head = self.run_head(first);
        head.extend(engines.iter().cloned());
        let mut rows = Vec::new();
        for w in workloads {
            for run in 0..self.m.runs.len() {
                let cells: Vec<Option<&Metric>> =
                    engines.iter().map(|e| self.m.find(run, scenario, w, e, metric)).collect();
                if cells.iter().all(Option::is_none) {
                    continue;
                }
                let mut row = vec![td_text(w)];
                if self.multi() {
                    row.push(td_text(&self.m.runs[run].label));
                }
                row.extend(cells.into_iter().map(td));
                rows.push(row);
            }
        }
        table(&mut self.out, &head, rows);
    }
}

/// Decimal byte sizes for a log axis: 10 B, 1 kB, 1 MB.
pub(crate) fn si_bytes(v: f64) -> String {
    match v {
        v if v >= 1e6 => format!("{} MB", v / 1e6),
        v if v >= 1e3 => format!("{} kB", v / 1e3),
        v => format!("{v} B"),
    }
}
