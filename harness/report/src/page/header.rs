//! The page header: runs, profile, machines, and the navigation.
use crate::markup::{esc, serde_name};
use crate::page::Page;
use std::fmt::Write as _;

impl Page<'_> {
    pub(crate) fn header(&mut self) {
        let m = self.m;
        let first = &m.runs[0].results;
        let machines: Vec<String> = m
            .runs
            .iter()
            .map(|r| {
                let e = &r.results.environment;
                format!("{} ({}, {} cores)", e.hostname, e.cpu_model, e.logical_cores)
            })
            .collect();
        let _ = write!(
            self.out,
            "<header><h1>wasmgauge report</h1><p class=\"lede\">{} run{} · {} profile · {} · generated {}</p>",
            m.runs.len(),
            if m.runs.len() == 1 { "" } else { "s" },
            esc(&serde_name(&first.profile.name)),
            esc(&machines.join(" / ")),
            esc(&results::now_rfc3339())
        );
        self.out.push_str(
            "<nav><a href=\"#summary\">Summary</a><a href=\"#selection\">Selection</a><a href=\"#throughput\">Throughput</a><a href=\"#cold-start\">Cold start</a>\
             <a href=\"#call-overhead\">Call overhead</a><a href=\"#latency\">Latency</a><a href=\"#hosting\">Memory &amp; density</a><a href=\"#scaling\">Scaling</a><a href=\"#sandbox-tax\">Sandbox tax</a><a href=\"#conformance\">Conformance</a><a href=\"#claims\">Claims</a>\
             <a href=\"#problems\">Failures</a><a href=\"#method\">Method</a><a href=\"#runs\">What ran</a><a href=\"#raw\">Raw data</a></nav></header>\n",
        );
    }
}
