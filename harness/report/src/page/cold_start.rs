//! Cold start: phases per configuration, process cold start, the WASI programs' cold starts.
use crate::charts::{self, StackRow};
use crate::markup::{esc, table};
use crate::model::{COLD_START_PHASES, GEOMEAN, Metric};
use crate::page::{Page, figure, legend, si_bytes, td_metric, td_text};
use anyhow::Result;
use plotters::style::RGBColor;
use results::ids;
use std::fmt::Write as _;

impl Page<'_> {
    pub(crate) fn cold_start(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"cold-start\"><h2>Cold start</h2>");
        let workloads = self.m.workloads(ids::COLD_START, "end_to_end");
        let Some(w) = workloads.iter().find(|w| !w.starts_with(GEOMEAN)).cloned() else {
            self.out.push_str("<p class=\"caption\">No cold-start scenario in these results.</p></section>\n");
            return Ok(());
        };
        // The corpus's WASI programs with cold starts of their own (schema 8): the big modules.
        let programs: Vec<String> = self
            .m
            .runs
            .iter()
            .filter_map(|r| r.results.scenarios.cold_start.as_ref())
            .flat_map(|s| s.programs.iter().map(|c| c.workload.clone()))
            .fold(Vec::new(), |mut v, p| {
                if !v.contains(&p) {
                    v.push(p);
                }
                v
            });
        let first = workloads.iter().find(|w| !w.starts_with(GEOMEAN) && !programs.contains(w)).cloned().unwrap_or(w);
        self.cold_start_phases(&first, "chart-cold-start", "")?;
        for p in &programs {
            let bytes = self.module_bytes(p).map(|b| format!(" ({})", si_bytes(b))).unwrap_or_default();
            let note = format!(
                " `{p}`{bytes} is a WASI program of the corpus: each repetition is a fresh driver process, \"first call\" is \
                 `_start` running to an exit checked against the native twin, whose row is its whole process."
            );
            self.cold_start_phases(
                p,
                &format!("chart-cold-start-{}", p.replace(|c: char| !c.is_alphanumeric(), "-")),
                &note,
            )?;
        }
        self.out.push_str("<h3>Wasm bytes → verified answer, every workload</h3>");
        self.metric_table(ids::COLD_START, "end_to_end", &workloads, "workload");
        let process = self.m.workloads(ids::PROCESS_START, "exec_to_answer");
        if !process.is_empty() {
            self.out.push_str("<h3>Fresh process: exec → verified answer, every workload</h3>");
            self.metric_table(ids::PROCESS_START, "exec_to_answer", &process, "workload");
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// The size of a corpus module, from the first results file that describes the corpus.
    pub(crate) fn module_bytes(&self, name: &str) -> Option<f64> {
        self.m
            .runs
            .iter()
            .filter_map(|r| r.results.corpus.as_ref())
            .find_map(|c| c.described.iter().find(|m| m.name == name).map(|m| m.bytes as f64))
    }

    /// The stacked phases chart and the phase table of one cold-start workload.
    pub(crate) fn cold_start_phases(&mut self, w: &str, id: &str, note: &str) -> Result<()> {
        // Segments: compile, deserialize, instantiate, first call, process exec->answer.
        let seg_names = [
            "compile",
            "deserialize artifact",
            "instantiate",
            "first call",
            "spawn child process",
            "fresh process: exec → answer",
        ];
        let seg_colors = [
            RGBColor(31, 119, 180),
            RGBColor(152, 78, 163),
            RGBColor(255, 127, 14),
            RGBColor(44, 160, 44),
            RGBColor(23, 190, 207),
            RGBColor(140, 140, 140),
        ];
        let items: Vec<(String, RGBColor)> =
            seg_names.iter().zip(seg_colors).map(|(n, c)| (n.to_string(), c)).collect();
        legend(&mut self.out, &items);
        let mut rows = Vec::new();
        let m = self.m;
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let (name, _) = self.series(e, run);
                let get = |metric: &str| m.find(run, ids::COLD_START, w, e, metric).map(|x| x.value);
                let (ins, first) = (get("instantiate"), get("first_call"));
                if let (Some(c), Some(i), Some(f)) = (get("compile"), ins, first) {
                    rows.push(StackRow {
                        label: format!("{name}: from wasm bytes"),
                        parts: vec![(0, c), (2, i), (3, f)],
                    });
                }
                if let (Some(d), Some(i), Some(f)) = (get("deserialize"), ins, first) {
                    rows.push(StackRow {
                        label: format!("{name}: from artifact"),
                        parts: vec![(1, d), (2, i), (3, f)],
                    });
                }
                if let (None, None, Some(f)) = (get("compile"), get("deserialize"), first) {
                    // Baselines: native's first call in a fresh driver process; the subprocess's spawn + first call.
                    match get("spawn") {
                        Some(sp) => rows.push(StackRow {
                            label: format!("{name}: spawn + first call"),
                            parts: vec![(4, sp), (3, f)],
                        }),
                        None => rows.push(StackRow { label: format!("{name}: first call"), parts: vec![(3, f)] }),
                    }
                }
                if let (None, None, None, Some(total)) = (get("compile"), get("deserialize"), first, get("end_to_end"))
                {
                    // A WASI program's native twin: its whole process.
                    rows.push(StackRow { label: format!("{name}: native twin process"), parts: vec![(5, total)] });
                }
                if let Some(p) = m.find(run, ids::PROCESS_START, w, e, "exec_to_answer") {
                    rows.push(StackRow {
                        label: format!("{name}: fresh process ({})", p.note),
                        parts: vec![(5, p.value)],
                    });
                }
            }
        }
        let svg = charts::stacked_hbars(&rows, &seg_colors, "milliseconds (median of each phase)", &|v| {
            format!("{:.1}", v / 1e6)
        })?;
        figure(
            &mut self.out,
            id,
            svg,
            &format!(
                "Cold start of `{w}`, phase by phase (medians, stacked). \"From wasm bytes\" compiles then instantiates; \
                 \"from artifact\" deserializes a precompiled module; a fresh process is exec of a new OS process to its \
                 verified answer (the subprocess baseline's native runner, or wasmgauge loading the module).{note}"
            ),
        );
        let mut head = self.run_head("engine");
        head.extend(COLD_START_PHASES.iter().map(|(_, n)| n.to_string()));
        head.push("fresh process".into());
        let mut table_rows = Vec::new();
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let cells: Vec<Option<&Metric>> =
                    COLD_START_PHASES.iter().map(|(p, _)| m.find(run, ids::COLD_START, w, e, p)).collect();
                let process = m.find(run, ids::PROCESS_START, w, e, "exec_to_answer");
                if cells.iter().all(Option::is_none) && process.is_none() {
                    continue;
                }
                let mut row = vec![td_text(e)];
                if self.multi() {
                    row.push(td_text(&m.runs[run].label));
                }
                row.extend(cells.into_iter().map(td_metric));
                row.push(td_metric(process));
                table_rows.push(row);
            }
        }
        let _ = write!(self.out, "<h3>Phases of `{}` (median, 95% interval)</h3>", esc(w));
        table(&mut self.out, &head, table_rows);
        Ok(())
    }
}
