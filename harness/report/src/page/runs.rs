//! What ran: machines, engines with their knobs and versions, the corpus.
use crate::markup::{Td, esc, serde_name, table};
use crate::page::{Page, td_text};
use results::ids;

impl Page<'_> {
    pub(crate) fn runs(&mut self) {
        self.out.push_str("<section id=\"runs\"><h2>What ran, where</h2>");
        let m = self.m;
        let mut head = vec!["".to_string()];
        head.extend(m.runs.iter().map(|r| r.label.clone()));
        let field = |name: &str, f: &dyn Fn(&crate::model::Run) -> String| {
            let mut row = vec![td_text(name)];
            row.extend(m.runs.iter().map(|r| td_text(&f(r))));
            row
        };
        let rows = vec![
            field("results file", &|r| r.file_name()),
            field("run id", &|r| r.results.run_id.clone()),
            field("started / finished", &|r| {
                format!("{} / {}", r.results.started_at, r.results.finished_at.clone().unwrap_or_else(|| "—".into()))
            }),
            field("complete", &|r| if r.results.complete { "yes".into() } else { "no (interrupted)".into() }),
            field("command", &|r| r.results.command.join(" ")),
            field("profile · scenarios", &|r| {
                let s: Vec<String> = r.results.scenarios_selected.iter().map(serde_name).collect();
                format!(
                    "{} · {}",
                    serde_name(&r.results.profile.name),
                    if s.is_empty() { "(schema 1)".into() } else { s.join(", ") }
                )
            }),
            field("CPU", &|r| {
                let e = &r.results.environment;
                format!(
                    "{} · {} logical cores · governor {}",
                    e.cpu_model,
                    e.logical_cores,
                    e.cpu_governor.clone().unwrap_or_else(|| "n/a".into())
                )
            }),
            field(ids::MEMORY, &|r| {
                r.results
                    .environment
                    .memory_total_kib
                    .map(|k| format!("{:.1} GiB", k as f64 / 1048576.0))
                    .unwrap_or_default()
            }),
            field("OS", &|r| {
                let e = &r.results.environment;
                format!("{} {} · kernel {} · host {}", e.os, e.arch, e.kernel, e.hostname)
            }),
            field("toolchain", &|r| r.results.environment.rustc.clone()),
            field("wasmgauge", &|r| {
                let e = &r.results.environment;
                format!(
                    "{} · commit {}{}",
                    e.harness_version,
                    e.harness_commit.as_deref().map(|c| &c[..c.len().min(10)]).unwrap_or("unknown"),
                    if e.harness_dirty == Some(true) { " (dirty)" } else { "" }
                )
            }),
            field("runtimes", &|r| {
                r.results.environment.runtimes.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
            }),
            field("shards / merged from", &|r| {
                if r.results.merged_from.is_empty() {
                    r.results.shard.clone().map(|s| format!("shard {s}")).unwrap_or_else(|| "—".into())
                } else {
                    r.results
                        .merged_from
                        .iter()
                        .map(|m| {
                            format!(
                                "{} ({} on {}, {}, {} cores)",
                                m.run_id,
                                m.shard.as_deref().unwrap_or("whole"),
                                m.hostname,
                                m.cpu_model,
                                m.logical_cores
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            }),
            field("corpus manifest sha256", &|r| {
                r.results
                    .corpus
                    .as_ref()
                    .map(|c| c.manifest_sha256[..16.min(c.manifest_sha256.len())].to_string())
                    .unwrap_or_default()
            }),
        ];
        self.out.push_str("<div class=\"kv\">");
        table(&mut self.out, &head, rows);
        self.out.push_str("</div><h3>Engine configurations and their knobs</h3>");
        let mut head = vec!["engine".to_string()];
        if self.multi() {
            head.push("runs".into());
        }
        head.extend(["runtime".into(), "description".into(), "knobs".into()]);
        let mut seen: Vec<(results::EngineInfo, Vec<String>)> = Vec::new();
        for r in &m.runs {
            for e in &r.results.engines {
                match seen.iter_mut().find(|(s, _)| s == e) {
                    Some(slot) => slot.1.push(r.label.clone()),
                    None => seen.push((e.clone(), vec![r.label.clone()])),
                }
            }
        }
        let rows = seen
            .iter()
            .map(|(e, labels)| {
                let mut row = vec![td_text(&e.id)];
                if self.multi() {
                    row.push(td_text(&labels.join(", ")));
                }
                let knobs: Vec<String> = e.knobs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                row.extend([
                    td_text(&format!("{} {}", e.runtime, e.runtime_version)),
                    td_text(&e.description),
                    Td { html: knobs.iter().map(|k| esc(k)).collect::<Vec<_>>().join("<br/>"), class: "" },
                ]);
                row
            })
            .collect();
        table(&mut self.out, &head, rows);
        self.out.push_str("</section>\n");
    }
}
