//! What a claim row is: the seed articles claims come from, a verdict, and the row the page and
//! `summary.md` show (the claims of benchmarks in [`crate::claims`], of conformance in
//! [`crate::conformance`]).
use results::format::fmt_ns;
use serde::Serialize;
use stats::Estimate;

/// The seed articles the claims come from, cited by title so that a published page makes
/// sense to a reader who never saw the repository: a title is the article's first line (its
/// first sentence when that line is a paragraph; the line after it when the first line is a
/// one-word heading). [`SEEDS`] maps each to its file in `shared/seeds/`; a test reads the
/// files and checks the titles.
pub const SEED_CLOUDFLARE: &str = "WebAssembly has found its most compelling use case outside the browser";
pub const SEED_LEFT_BROWSER: &str = "Why WebAssembly Left the Browser";
pub const SEED_OUTSIDE_BROWSER: &str =
    "WebAssembly was designed for the browser, but its most interesting applications are now server-side.";
pub const SEED_SERVER_SIDE: &str = "WebAssembly Goes Server-Side";
pub const SEED_PORTABLE_SECURE: &str = "WebAssembly: portable, secure execution beyond the browser";

/// (file in `shared/seeds/`, title) of every seed article.
pub const SEEDS: [(&str, &str); 5] = [
    ("000_7cd0f25d4adb5ad5.txt", SEED_CLOUDFLARE),
    ("001_6d35e6dcf17d5748.txt", SEED_LEFT_BROWSER),
    ("002_524e2cc9a11b0f24.txt", SEED_OUTSIDE_BROWSER),
    ("003_98e9ecf5b2b9ad2b.txt", SEED_SERVER_SIDE),
    ("004_d77f572dddcd5d82.txt", SEED_PORTABLE_SECURE),
];

/// The title of an article's text by the rule above.
pub fn title_of(text: &str) -> Option<String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if !first.contains(' ') {
        return lines.next().map(String::from);
    }
    Some(match first.find(". ") {
        Some(end) => first[..=end].to_string(),
        None => first.to_string(),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Supported,
    Contradicted,
    /// The 95% interval straddles the criterion.
    Inconclusive,
    NotMeasured,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Contradicted => "contradicted",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotMeasured => "not measured",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimRow {
    pub claim: &'static str,
    pub sources: Vec<&'static str>,
    /// What would make the claim true, in measurable terms.
    pub criterion: String,
    /// The figures, or why there are none.
    pub measured: String,
    pub verdict: Verdict,
    /// Index of the run the figures come from.
    pub run: usize,
}

/// `value [low, high]` of a time estimate (the value alone when the interval has no width).
pub fn fmt_est_ns(e: &Estimate) -> String {
    results::format::fmt_estimate(e, fmt_ns)
}

/// A claim's row when nothing in the results measures it: `why`.
pub fn not_measured(
    claim: &'static str,
    sources: Vec<&'static str>,
    criterion: &str,
    why: &str,
    run: usize,
) -> ClaimRow {
    ClaimRow { claim, sources, criterion: criterion.into(), measured: why.into(), verdict: Verdict::NotMeasured, run }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the seed articles from `shared/seeds/` beside the clone (where the project's CI
    /// has them); on a clone without it, it says so and checks only the title rule.
    #[test]
    fn claims_cite_each_seed_article_by_its_title() {
        assert_eq!(title_of("Heading\nA real title\nbody").as_deref(), Some("A real title"));
        assert_eq!(title_of("One sentence. Two.").as_deref(), Some("One sentence."));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        if !dir.exists() {
            eprintln!("skipped: the seed articles are not beside this clone ({} is absent)", dir.display());
            return;
        }
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        let mut files: Vec<String> = entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        files.sort();
        assert_eq!(files, SEEDS.map(|(f, _)| f.to_string()));
        for (file, title) in SEEDS {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            assert_eq!(title_of(&text).as_deref(), Some(title), "{file}");
        }
    }
}
