//! Components: which configurations host them (and why the others do not), the time of a
//! typed call by WIT type and payload, and the same transform three ways: a core-module call, a
//! component call and an Extism plugin call (`plugin-calls`), as a log-log chart and a table.
use crate::charts::{self, LineData};
use crate::markup::{Td, esc, table};
use crate::page::{Page, figure, legend, si_bytes, td_metric, td_text};
use anyhow::Result;
use results::manifest::ModuleKind;
use results::{ComponentSupport, ResultsFile, ids};

/// The configuration the three-ways comparison is drawn on, when it hosts components.
const THREE_WAYS_HOST: &str = "wasmtime-cranelift";
/// The Extism plugin's corpus name and the Rust guest's (the same transform in the same language).
const EXTISM_PLUGIN: &str = "plugin-extism";
const RUST_GUEST: &str = "plugin-rust";

impl Page<'_> {
    pub(crate) fn components(&mut self) -> Result<()> {
        self.out.push_str("<section id=\"components\"><h2>Components</h2>");
        let run = self.m.runs.last().map(|r| &r.results);
        let mut rows = String::new();
        for e in run.iter().flat_map(|r| r.engines.iter()) {
            let (mark, text) = match e.capabilities.as_ref().and_then(|c| c.components.as_ref()) {
                Some(ComponentSupport::Hosted(how)) => ("✓", how.as_str()),
                Some(ComponentSupport::Unsupported(why)) => ("–", why.as_str()),
                None => ("?", "not declared (a results file older than schema 11)"),
            };
            rows.push_str(&format!("<tr><td>{}</td><td>{mark}</td><td>{}</td></tr>", esc(&e.id), esc(text)));
        }
        self.out.push_str(&format!(
            "<h3>Component hosts</h3><table><thead><tr><th>configuration</th><th>hosts components</th>\
             <th>how, or why not</th></tr></thead><tbody>{rows}</tbody></table>"
        ));
        let benches = self.m.workloads(ids::COMPONENT_CALLS, "time_per_call");
        if benches.is_empty() {
            self.out.push_str("<p class=\"caption\">No component-calls scenario in these results.</p>");
            self.plugin_calls();
            self.out.push_str("</section>\n");
            return Ok(());
        }
        self.guests(run);
        let (ways, typed): (Vec<String>, Vec<String>) = benches
            .into_iter()
            .partition(|b| b.contains(": invert ") || b.contains(": core-invert ") || b.contains("noop"));
        self.out.push_str(
            "<h3>Typed calls through the canonical ABI</h3><p class=\"caption\">Time per call of each function of the \
             call-cost interface (wasmgauge:plugin), per guest component; payload sizes for strings and lists. \
             guest-to-host: one call of the imported host function. Every answer checked against the native twins.</p>",
        );
        self.metric_table(ids::COMPONENT_CALLS, "time_per_call", &typed, "guest: function");
        self.out.push_str(
            "<h3>The same call, two ways: component and core module</h3><p class=\"caption\">invert: a component call passing list&lt;u8&gt; \
             in and out through the canonical ABI; core-invert: the host writes N bytes into a core module's memory, \
             calls invert(ptr, len), reads N bytes back; noop and core-noop: a function that does nothing, as a component \
             export and as a core export (typed call path). Same configuration, same process.</p>",
        );
        self.metric_table(ids::COMPONENT_CALLS, "time_per_call", &ways, "guest: way and payload");
        self.three_ways()?;
        self.plugin_calls();
        self.out.push_str("</section>\n");
        Ok(())
    }

    /// The host of the three-ways comparison: [`THREE_WAYS_HOST`] when it has component calls
    /// of the Rust guest, else the first configuration that has.
    fn three_ways_host(&self) -> Option<String> {
        let hosts = self.m.engines_with(ids::COMPONENT_CALLS, "time_per_call");
        let has = |e: &String| {
            self.m.metrics.iter().any(|m| {
                m.scenario == ids::COMPONENT_CALLS
                    && &m.engine == e
                    && m.workload.starts_with(&format!("{RUST_GUEST}: invert "))
            })
        };
        hosts.iter().find(|e| *e == THREE_WAYS_HOST && has(e)).or_else(|| hosts.iter().find(|e| has(e))).cloned()
    }

    /// `invert` three ways over the payload sizes, in the last run: the core-module call and the
    /// component call (every guest) on one host, the Extism plugin call on each plugin kit; a
    /// log-log chart and a table with intervals.
    fn three_ways(&mut self) -> Result<()> {
        let Some(host) = self.three_ways_host() else { return Ok(()) };
        let run = self.m.runs.len() - 1;
        let kits = self.m.engines_with(ids::PLUGIN_CALLS, "time_per_call");
        // (name, scenario, engine, workload prefix)
        let mut ways: Vec<(String, &str, String, String)> = vec![(
            format!("core module (ptr, len) on {host}"),
            ids::COMPONENT_CALLS,
            host.clone(),
            format!("{RUST_GUEST}: core-invert "),
        )];
        let guests: Vec<String> = {
            let mut g = Vec::new();
            for m in
                self.m.metrics.iter().filter(|m| m.run == run && m.scenario == ids::COMPONENT_CALLS && m.engine == host)
            {
                if let Some((guest, _)) = m.workload.split_once(": invert ")
                    && !g.iter().any(|x: &String| x == guest)
                {
                    g.push(guest.to_string());
                }
            }
            g
        };
        for g in guests {
            ways.push((
                format!("component {g} on {host}"),
                ids::COMPONENT_CALLS,
                host.clone(),
                format!("{g}: invert "),
            ));
        }
        for k in kits {
            ways.push((
                format!("Extism {EXTISM_PLUGIN} on {k}"),
                ids::PLUGIN_CALLS,
                k.clone(),
                format!("{EXTISM_PLUGIN}: invert "),
            ));
        }
        let points = |scenario: &str, engine: &str, prefix: &str| -> Vec<(u64, &crate::model::Metric)> {
            let mut p: Vec<_> = self
                .m
                .metrics
                .iter()
                .filter(|m| {
                    m.run == run
                        && m.scenario == scenario
                        && m.engine == engine
                        && m.metric == "time_per_call"
                        && m.workload.starts_with(prefix)
                })
                .filter_map(|m| Some((m.payload_bytes?, m)))
                .collect();
            p.sort_by_key(|(b, _)| *b);
            p
        };
        // Each way's figures by payload, found once for the chart and the table.
        let found: Vec<Vec<(u64, &crate::model::Metric)>> = ways.iter().map(|(_, s, e, p)| points(s, e, p)).collect();
        let mut lines = Vec::new();
        let mut items = Vec::new();
        let mut sizes: Vec<u64> = Vec::new();
        for (i, ((name, ..), p)) in ways.iter().zip(&found).enumerate() {
            if p.is_empty() {
                continue;
            }
            sizes.extend(p.iter().map(|(b, _)| *b));
            let color = charts::series_color(i, 0);
            items.push((name.clone(), color));
            lines.push(LineData {
                color,
                points: p.iter().map(|(b, m)| (*b as f64, m.value)).collect(),
                dashed: false,
            });
        }
        sizes.sort_unstable();
        sizes.dedup();
        self.out.push_str(&format!(
            "<h3>One transform, three ways</h3><p class=\"caption\">invert (checksum and invert N bytes, N bytes back) as a \
             core-module call passing a pointer and a length, as a component call passing list&lt;u8&gt; through the \
             canonical ABI (each guest language on {host}), and as an Extism plugin call (bytes in, bytes out through \
             Extism's kernel; Extism runs its own Wasmtime, see its knobs). Median per call; the table gives the \
             95% interval across processes.</p>",
            host = esc(&host)
        ));
        legend(&mut self.out, &items);
        let svg = charts::lines_log(
            &lines,
            &[],
            "payload per call (bytes, log)",
            "time per call (log)",
            &|v| si_bytes(*v),
            &|v| charts::axis_ns(*v),
        )?;
        figure(&mut self.out, "chart-three-ways", svg, "invert three ways against payload size (log-log). Medians.");
        let mut head = vec!["payload".to_string()];
        head.extend(ways.iter().map(|w| w.0.clone()));
        let mut rows: Vec<Vec<Td>> = Vec::new();
        for n in sizes {
            let mut row = vec![td_text(&results::measurements::human_bytes(n as usize))];
            for p in &found {
                row.push(td_metric(p.iter().find(|(b, _)| *b == n).map(|(_, m)| *m)));
            }
            rows.push(row);
        }
        table(&mut self.out, &head, rows);
        Ok(())
    }

    /// Every plugin-calls benchmark per plugin kit: its cold start with and without its
    /// compilation cache, an instance and its first call, calls by payload, host calls.
    fn plugin_calls(&mut self) {
        let benches = self.m.workloads(ids::PLUGIN_CALLS, "time_per_call");
        if benches.is_empty() {
            return;
        }
        self.out.push_str(
            "<h3>Plugin kits: Extism</h3><p class=\"caption\">plugin-new: Extism's Plugin::new (a Wasmtime engine, compile, \
             link, instantiate) with its compilation cache disabled; plugin-new-cached: the same with the cache warm; \
             instantiate: a plugin from a compiled one (Plugin::new_from_compiled); invert: bytes in, bytes out; \
             guest-to-host: one call of the host's tick from the plugin. Every output checked against the native twins.</p>",
        );
        self.metric_table(ids::PLUGIN_CALLS, "time_per_call", &benches, "plugin: benchmark");
    }

    /// One row per guest component: language, toolchain, size, and beside each host the
    /// time of a further instance and of its first call (`instantiate`, `instantiate+first-call`).
    fn guests(&mut self, run: Option<&ResultsFile>) {
        let Some(corpus) = run.and_then(|r| r.corpus.as_ref()) else { return };
        let guests: Vec<_> = corpus.described.iter().filter(|m| m.kind == ModuleKind::Component).collect();
        if guests.is_empty() {
            return;
        }
        let mut rows = String::new();
        for g in guests {
            let toolchain = g.toolchain.as_ref().map(|t| {
                let embeds = t.embeds.as_ref().map(|e| format!(", bundles {e}")).unwrap_or_default();
                format!("{} {}{embeds}", t.name, t.version)
            });
            let toolchain = toolchain.unwrap_or_default();
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.1} MiB</td></tr>",
                esc(&g.name),
                esc(&g.language),
                esc(&toolchain),
                g.bytes as f64 / f64::from(1 << 20)
            ));
        }
        self.out.push_str(&format!(
            "<h3>Guests: one interface, several languages</h3><table><thead><tr><th>guest</th><th>language</th>\
             <th>toolchain</th><th>size</th></tr></thead><tbody>{rows}</tbody></table><p class=\"caption\">Each \
             guest's cold start on each host is in the table below: compile (from its bytes, linked), load (its \
             serialized artifact deserialized and linked: a host that keeps precompiled components), instantiate (a \
             fresh store, WASI 0.2 context and instance of the compiled, linked component) and instantiate+first-call \
             (the same, then noop); compile and load once in each of the cell's processes.</p>"
        ));
    }
}
