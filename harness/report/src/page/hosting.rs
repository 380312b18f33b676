//! Memory and density: bytes per instance, instances per GiB, instantiation rates.
use crate::charts::{self, StackRow};
use crate::markup::{esc, table};
use crate::model::Metric;
use crate::page::{Page, figure, legend, td_metric, td_text};
use anyhow::Result;
use plotters::style::RGBColor;
use results::ids;
use std::fmt::Write as _;

impl Page<'_> {
    pub(crate) fn hosting(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"hosting\"><h2>Hosting many instances: memory, density, concurrency</h2>");
        let m = self.m;
        let mem_engines = m.engines_with(ids::MEMORY, "bytes_per_instance");
        let proc_engines = m.engines_with(ids::MEMORY, "process_private_bytes");
        if mem_engines.is_empty()
            && proc_engines.is_empty()
            && m.engines_with(ids::DENSITY, "instances_per_gib").is_empty()
        {
            self.out.push_str(
                "<p class=\"caption\">No memory, density or concurrency scenario in these results.</p></section>\n",
            );
            return Ok(());
        }
        let seg_colors = [RGBColor(255, 127, 14), RGBColor(31, 119, 180), RGBColor(140, 140, 140)];
        let items: Vec<(String, RGBColor)> = [
            "host side (runtime, store, instance)",
            "guest linear memory touched",
            "one more process (private memory)",
        ]
        .iter()
        .zip(seg_colors)
        .map(|(n, c)| (n.to_string(), c))
        .collect();
        legend(&mut self.out, &items);
        let mut rows = Vec::new();
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let (name, _) = self.series(e, run);
                let get = |metric: &str| {
                    m.metrics
                        .iter()
                        .find(|x| x.run == run && x.scenario == ids::MEMORY && &x.engine == e && x.metric == metric)
                        .map(|x| x.value.max(0.0) / 1024.0)
                };
                if let (Some(h), Some(g)) = (get("host_bytes_per_instance"), get("guest_bytes_per_instance")) {
                    rows.push(StackRow { label: name.clone(), parts: vec![(0, h), (1, g)] });
                }
                if let Some(p) = get("process_private_bytes") {
                    rows.push(StackRow { label: format!("{name} (process)"), parts: vec![(2, p)] });
                }
            }
        }
        let svg =
            charts::stacked_hbars(&rows, &seg_colors, "KiB per live instance (slope over 1…1000 instances)", &|v| {
                format!("{v:.0}")
            })?;
        figure(
            &mut self.out,
            "chart-memory",
            svg,
            "Resident memory each additional live instance of a one-page module (64 KiB, every 4 KiB page written once) \
             costs: least-squares slope over 1, 10, 100 and 1000 live instances in one driver process, split into what instantiating \
             added and what touching the guest page added. Runtimes that allocate linear memory zeroed at instantiation \
             (wasmi) show it all as host side. The subprocess row is the private memory of one runner process serving a request.",
        );
        let mut head = self.run_head("engine");
        head.extend(
            [
                "per instance",
                "host side",
                "guest touched",
                "compile (RSS growth)",
                "artifact",
                "process private",
                "process RSS",
            ]
            .map(String::from),
        );
        let metrics = [
            "bytes_per_instance",
            "host_bytes_per_instance",
            "guest_bytes_per_instance",
            "compile_rss_bytes",
            "artifact_bytes",
            "process_private_bytes",
            "process_rss_bytes",
        ];
        let mut table_rows = Vec::new();
        for e in &m.engines {
            for run in 0..m.runs.len() {
                let cells: Vec<Option<&Metric>> = metrics
                    .iter()
                    .map(|metric| {
                        m.metrics.iter().find(|x| {
                            x.run == run && x.scenario == ids::MEMORY && &x.engine == e && x.metric == *metric
                        })
                    })
                    .collect();
                if cells.iter().all(Option::is_none) {
                    continue;
                }
                let mut row = vec![td_text(e)];
                if self.multi() {
                    row.push(td_text(&m.runs[run].label));
                }
                row.extend(cells.into_iter().map(td_metric));
                table_rows.push(row);
            }
        }
        table(&mut self.out, &head, table_rows);

        for w in m.workloads(ids::DENSITY, "instances_per_gib") {
            let _ = write!(self.out, "<h3>Density: live `{}` instances in the memory budget</h3>", esc(&w));
            self.out.push_str(
                "<p class=\"caption\">Instances are added (each gets its input and answers one verified request) until the \
                 next one could cross the budget, the instance cap or the time cap is hit, or instantiation fails; the driver process \
                 polls its own resident memory after every instance. Instantiation rate: instantiate and drop in a loop, on one \
                 thread and on one thread per core sharing the compiled module. Subprocess: processes per second, and per GiB \
                 from one runner's private memory.</p>",
            );
            let mut head = self.run_head("engine");
            head.extend(
                [
                    "live instances",
                    "stopped by",
                    "per instance",
                    "per GiB",
                    "instantiate/s, 1 thread",
                    "instantiate/s, all cores",
                ]
                .map(String::from),
            );
            let mut rows = Vec::new();
            for e in &m.engines {
                for run in 0..m.runs.len() {
                    let get = |metric: &str| m.find(run, ids::DENSITY, &w, e, metric);
                    let Some(live) = get("live_instances") else { continue };
                    let mut row = vec![td_text(e)];
                    if self.multi() {
                        row.push(td_text(&m.runs[run].label));
                    }
                    row.push(td_metric(Some(live)));
                    row.push(td_text(&live.note));
                    for metric in [
                        "bytes_per_instance",
                        "instances_per_gib",
                        "instantiate_per_s_one_thread",
                        "instantiate_per_s_all_cores",
                    ] {
                        row.push(td_metric(get(metric)));
                    }
                    rows.push(row);
                }
            }
            table(&mut self.out, &head, rows);
        }

        self.out.push_str("</section>\n");
        Ok(())
    }
}
