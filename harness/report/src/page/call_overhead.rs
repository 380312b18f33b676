//! Call overhead: host/guest calls and data across the boundary.
use crate::charts::{self, LineData};
use crate::page::{Page, figure, legend, si_bytes};
use anyhow::Result;
use results::ids;

impl Page<'_> {
    pub(crate) fn call_overhead(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"call-overhead\"><h2>Call overhead</h2>");
        let benches = self.m.workloads(ids::CALL_OVERHEAD, "time_per_call");
        if benches.is_empty() {
            self.out.push_str("<p class=\"caption\">No call-overhead scenario in these results.</p></section>\n");
            return Ok(());
        }
        let data: Vec<String> = benches.iter().filter(|b| b.starts_with("data ")).cloned().collect();
        let fixed: Vec<String> = benches.iter().filter(|b| !b.starts_with("data ")).cloned().collect();
        let keys = self.series_keys(ids::CALL_OVERHEAD, "time_per_call");
        let mut lines = Vec::new();
        let mut items = Vec::new();
        for (e, run) in &keys {
            let points: Vec<(f64, f64)> = self
                .m
                .metrics
                .iter()
                .filter(|x| {
                    x.run == *run && &x.engine == e && x.scenario == ids::CALL_OVERHEAD && x.metric == "time_per_call"
                })
                .filter_map(|x| Some((x.payload_bytes? as f64, x.value)))
                .collect();
            if !points.is_empty() {
                let (name, color) = self.series(e, *run);
                items.push((name, color));
                lines.push(LineData { color, points, dashed: false });
            }
        }
        legend(&mut self.out, &items);
        let svg = charts::lines_log(
            &lines,
            &[],
            "payload per call (bytes, log)",
            "time per call (log)",
            &|v| si_bytes(*v),
            &|v| charts::axis_ns(*v),
        )?;
        figure(
            &mut self.out,
            "chart-call-overhead",
            svg,
            "Time per call against payload size: the host writes N bytes into guest memory, the guest checksums and inverts \
             them, the host reads N bytes back (native: the same work on a slice; subprocess: through a pipe). Medians.",
        );
        self.out.push_str("<h3>Data round trip: time per call</h3>");
        self.metric_table(ids::CALL_OVERHEAD, "time_per_call", &data, "payload");
        self.out.push_str("<h3>Data round trip: payload throughput</h3>");
        self.metric_table(ids::CALL_OVERHEAD, ids::THROUGHPUT, &data, "payload");
        self.out.push_str(
            "<h3>Calls without payload</h3><p class=\"caption\">empty: a call to a function that does nothing; add4: four \
             i64 arguments, one result; typed = the runtime's statically typed call API, dynamic = its untyped one; \
             guest-to-host: one call from the guest to a host import. Calibrated timer and loop overhead subtracted.</p>",
        );
        self.metric_table(ids::CALL_OVERHEAD, "time_per_call", &fixed, "benchmark");
        self.out.push_str("</section>\n");
        Ok(())
    }
}
