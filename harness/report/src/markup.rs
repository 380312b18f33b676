//! The HTML primitives every part of the page uses: escaping, table cells, the table itself, and
//! the names serde gives unit enum values.
use serde::Serialize;
use std::fmt::Write as _;

/// Escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: raw (already escaped) HTML and a class.
pub struct Td {
    pub html: String,
    pub class: &'static str,
}

/// A table of cells under a header row, in a horizontally scrolling box.
pub fn table(out: &mut String, head: &[String], rows: Vec<Vec<Td>>) {
    out.push_str("<div class=\"scroll\"><table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            if c.class.is_empty() {
                let _ = write!(out, "<td>{}</td>", c.html);
            } else {
                let _ = write!(out, "<td class=\"{}\">{}</td>", c.class, c.html);
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The name serde gives a unit enum value (`quick`, `cold-start`, `not-measured`).
pub fn serde_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|x| x.as_str().map(String::from)).unwrap_or_default()
}
