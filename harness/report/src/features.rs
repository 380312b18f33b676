//! The feature table of a report: per configuration and proposal, supported, partial or not
//! ([`results::feature_table`], from the probes and the spec files of a run's conformance
//! section), drawn as a matrix with what backs every cell, and exported as `features.json` in
//! the layout of the WebAssembly website's feature table (webassembly.org/features): a
//! `features` list, `categories`, and per configuration the version that supports each
//! proposal, `null` where it does not, `[version, note]` where it partly does, with the
//! measurements behind each cell under `evidence`.
use super::markup::{Td, esc};
use super::model::Model;
use results::feature_table::{COMPONENT_MODEL, FeatureRow, PROPOSALS, Verdict};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// The category every configuration is listed under in `features.json`.
const CATEGORY: &str = "Runtime configurations measured by wasmgauge";

/// The table of run `run`, when its file has probes or spec files.
pub fn rows(model: &Model, run: usize) -> Option<Vec<FeatureRow>> {
    let r = &model.runs.get(run)?.results;
    let conf = r.conformance.as_ref()?;
    let engines: Vec<(&str, &str, Option<&results::Capabilities>)> = r
        .engines
        .iter()
        .filter(|e| e.capabilities.as_ref().is_none_or(|c| c.is_wasm()))
        .map(|e| (e.id.as_str(), e.runtime_version.as_str(), e.capabilities.as_ref()))
        .collect();
    results::feature_table::table(conf, &engines).filter(|rows| !rows.is_empty())
}

/// The matrix: proposals as rows, configurations as columns.
pub fn html(out: &mut String, rows: &[FeatureRow]) {
    out.push_str(
        "<h3 id=\"features\">Feature table</h3><p class=\"caption\">Made from measurements: each proposal's probe \
         module (its <code>probe()</code> must answer 42 on the configuration built with the proposal on) and the \
         proposal's spec-testsuite files (passed / judged beneath the mark); the Component Model from the \
         configuration's component host. ✓ supported, partial (some spec files fail, or probe and spec files \
         disagree), ✗ not supported, ? not measured. Hover a cell for what backs it. Also in \
         <a href=\"features.json\">features.json</a>.</p>",
    );
    let mut head = vec!["proposal".to_string()];
    head.extend(rows.iter().map(|r| r.engine.clone()));
    let body = PROPOSALS
        .iter()
        .chain([&COMPONENT_MODEL])
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![Td { html: esc(p.label), class: "" }];
            for r in rows {
                let c = &r.cells[i];
                let files = c
                    .spec
                    .map(|s| format!("<span class=\"ci\">{}/{}</span>", s.passed, s.passed + s.failed))
                    .unwrap_or_default();
                let class = match c.verdict {
                    Verdict::Supported => "good",
                    Verdict::Unsupported | Verdict::Partial => "bad",
                    Verdict::Unknown => "",
                };
                row.push(Td {
                    html: format!("<span title=\"{}\">{}</span>{files}", esc(&c.note), esc(c.verdict.mark())),
                    class,
                });
            }
            row
        })
        .collect();
    super::markup::table(out, &head, body);
    let refused: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            r.cells.iter().filter_map(move |c| match &c.probe {
                Some((false, why)) => Some(format!("{} on {}: {why}", c.proposal, r.engine)),
                _ => None,
            })
        })
        .collect();
    if !refused.is_empty() {
        let _ = write!(out, "<details><summary>Probes refused ({})</summary><ul>", refused.len());
        for line in refused {
            let _ = write!(out, "<li>{}</li>", esc(&line));
        }
        out.push_str("</ul></details>");
    }
}

/// The table as `features.json`.
pub fn json(rows: &[FeatureRow]) -> Value {
    let features: Map<String, Value> = PROPOSALS
        .iter()
        .chain([&COMPONENT_MODEL])
        .map(|p| (p.key.to_string(), json!({ "description": p.label })))
        .collect();
    let configurations: Map<String, Value> = rows
        .iter()
        .map(|r| {
            let mut marks = Map::new();
            let mut evidence = Map::new();
            for (p, c) in PROPOSALS.iter().chain([&COMPONENT_MODEL]).zip(&r.cells) {
                let mark = match c.verdict {
                    Verdict::Supported => Some(json!(r.version)),
                    Verdict::Partial => Some(json!([r.version, format!("partial: {}", c.note)])),
                    Verdict::Unsupported => Some(Value::Null),
                    Verdict::Unknown => None,
                };
                if let Some(m) = mark {
                    marks.insert(p.key.to_string(), m);
                }
                evidence.insert(p.key.to_string(), serde_json::to_value(c).unwrap_or(Value::Null));
            }
            (r.engine.clone(), json!({ "category": CATEGORY, "features": marks, "evidence": evidence }))
        })
        .collect();
    json!({
        "$comment": "Written by wasmgauge from measurements (conform features, conform spec); the layout of WebAssembly/website's features.json",
        "features": features,
        "categories": [{ "name": CATEGORY, "queryKey": "configurations", "default": true }],
        "configurations": configurations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use results::feature_table::FeatureCell;

    #[test]
    fn the_json_marks_a_rejected_proposal_null_and_a_partial_one_with_its_note() {
        let cell = |proposal: &str, verdict| FeatureCell {
            proposal: proposal.into(),
            verdict,
            probe: None,
            spec: None,
            note: "why".into(),
        };
        let mut cells: Vec<FeatureCell> = PROPOSALS.iter().map(|p| cell(p.name, Verdict::Supported)).collect();
        cells[7] = cell("gc", Verdict::Unsupported);
        cells[0] = cell("simd", Verdict::Partial);
        cells.push(cell("component-model", Verdict::Unknown));
        let rows = [FeatureRow { engine: "x".into(), version: "1.0".into(), cells }];
        let j = json(&rows);
        let marks = &j["configurations"]["x"]["features"];
        assert_eq!(marks["gc"], Value::Null);
        assert_eq!(marks["tailCall"], "1.0");
        assert_eq!(marks["simd"][1], "partial: why");
        assert!(marks.get("componentModel").is_none(), "unknown is left out");
        assert_eq!(j["configurations"]["x"]["evidence"]["gc"]["verdict"], "unsupported");
        let mut html_out = String::new();
        html(&mut html_out, &rows);
        assert!(html_out.contains("features.json") && html_out.contains("✗"), "{html_out}");
    }
}
