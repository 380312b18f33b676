//! Workload `markdown`: render a Markdown document to HTML with pulldown-cmark;
//! the checksum covers the HTML.
use pulldown_cmark::{Options, Parser, html};

pub fn run(input: &[u8]) -> u64 {
    let text = std::str::from_utf8(input).expect("markdown input is UTF-8");
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
    wg_common::mix(wg_common::fnv1a(out.as_bytes()), out.len() as u64)
}

/// A document of `n` sections: headings, paragraphs with emphasis and links, lists, code, tables.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = wg_common::Rng::new(seed);
    let mut s = String::new();
    for i in 0..n {
        let para = wg_common::text(200 + rng.below(200) as usize, rng.next_u64()).replace('\n', " ");
        let words: Vec<&str> = para.split(' ').collect();
        s.push_str(&format!("## Section {i}: {}\n\n", words[..3.min(words.len())].join(" ")));
        for (j, w) in words.iter().enumerate() {
            match j % 17 {
                3 => s.push_str(&format!("**{w}** ")),
                7 => s.push_str(&format!("*{w}* ")),
                11 => s.push_str(&format!("[{w}](https://example.com/{w}) ")),
                13 => s.push_str(&format!("`{w}` ")),
                _ => s.push_str(&format!("{w} ")),
            }
        }
        s.push_str("\n\n");
        match rng.below(3) {
            0 => (0..4).for_each(|k| s.push_str(&format!("- item {k} ~~{}~~\n", words[k % words.len()]))),
            1 => s.push_str("```\nfn main() { println!(\"hi\"); }\n```\n"),
            _ => s.push_str("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n"),
        }
        s.push('\n');
    }
    s.into_bytes()
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn renders_html() {
        let doc = super::input(3, 1);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(std::str::from_utf8(&doc).unwrap()));
        assert!(out.contains("<h2>") && out.contains("<strong>"));
        assert_eq!(super::run(&doc), super::run(&doc));
    }
}
