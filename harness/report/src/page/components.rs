//! Components: which configurations host them (and why the others do not), the time of a
//! typed call by WIT type and payload, and the same transform as a core-module call beside it.
use crate::markup::esc;
use crate::page::Page;
use results::manifest::ModuleKind;
use results::{ComponentSupport, ResultsFile, ids};

impl Page<'_> {
    pub(crate) fn components(&mut self) {
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
            self.out.push_str("<p class=\"caption\">No component-calls scenario in these results.</p></section>\n");
            return;
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
        self.out.push_str("</section>\n");
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
             guest's cold start on each host is in the table below: instantiate (a fresh store, WASI 0.2 context and \
             instance of the compiled, linked component) and instantiate+first-call (the same, then noop).</p>"
        ));
    }
}
