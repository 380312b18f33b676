//! The self-contained `index.html`: inline CSS, inline SVG charts, no scripts, nothing fetched.
//! Written as well-formed XML (polyglot HTML5) so a strict parser can check it. This module is
//! the document (its head, its style and the order of its sections); each section is a module
//! of [`crate::page`].
use crate::markup::esc;
use crate::model::Model;
use crate::page::Page;
use anyhow::Result;
use std::fmt::Write as _;

const CSS: &str = r#"
sup.implausible{color:#b00020;font-weight:bold}
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --zebra: #f6f7f9; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px 24px 60px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.lede { color: var(--muted); margin: 0 0 14px; }
nav { font-size: 14px; margin: 10px 0 4px; }
nav a { margin-right: 14px; color: var(--accent); }
.caption { color: var(--muted); font-size: 13.5px; margin: 4px 0 10px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
th { background: #eef1f6; text-align: left; font-weight: 600; }
tbody tr:nth-child(even) td { background: var(--zebra); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.best { background: #e3f4e1 !important; font-weight: 600; }
td.na { color: #98a0ad; text-align: center; }
td.good { background: #e3f4e1 !important; }
td.bad { background: #fbe0de !important; font-weight: 600; }
td.warn { background: #fff1cc !important; }
span.ci { display: block; color: var(--muted); font-size: 11px; font-weight: 400; }
figure { margin: 8px 0 4px; }
figure svg { max-width: 100%; height: auto; display: block; }
ul.legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
span.sw { display: inline-block; width: 14px; height: 14px; border-radius: 2px; border: 1px solid rgba(0,0,0,.15); }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12.5px; white-space: nowrap; }
.v-supported { background: #dff3dc; color: #1f6b1a; }
.v-contradicted { background: #fbe0de; color: #9b1c14; }
.v-inconclusive { background: #fff1cc; color: #7a5a00; }
.v-not-measured { background: #eceef2; color: #5b6475; }
.kv td:first-child { color: var(--muted); white-space: nowrap; }
code { font-size: 12.5px; background: #f1f3f6; padding: 0 3px; border-radius: 3px; }
footer { margin-top: 40px; font-size: 13px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  figure, table { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

/// The whole page; `raw` names the copied result files (same order as the runs).
pub fn render(model: &Model, raw: &[String]) -> Result<String> {
    let mut page = Page { m: model, out: String::new() };
    let title = format!(
        "wasmgauge report — {}",
        model.runs.iter().map(|r| r.results.run_id.as_str()).collect::<Vec<_>>().join(", ")
    );
    let _ = write!(
        page.out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>{}</title><style>{CSS}</style></head><body>\n",
        esc(&title)
    );
    page.header();
    page.implausible();
    page.summary();
    page.selection();
    page.claims();
    page.throughput()?;
    page.cold_start()?;
    page.call_overhead()?;
    page.components()?;
    page.latency()?;
    page.hosting()?;
    page.scaling()?;
    page.sandbox_tax();
    page.registered();
    page.wasi_guests()?;
    page.suite()?;
    page.out.push_str(&crate::wasi::html(model));
    page.out.push_str(&crate::conformance::html(model));
    page.problems();
    page.method();
    page.runs();
    page.footer(raw);
    page.out.push_str("</body></html>\n");
    Ok(page.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::page::si_bytes;

    #[test]
    fn escaping_and_axis_labels() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(si_bytes(1000.0), "1 kB");
        assert_eq!(si_bytes(10.0), "10 B");
    }
}
