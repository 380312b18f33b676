//! What a claim row is: the seed articles claims come from, a verdict, and the row the page and
//! `summary.md` show (the claims of benchmarks in [`crate::claims`], of conformance in
//! [`crate::conformance`]).
use serde::Serialize;

/// The seed articles (in `shared/seeds/`) the claims come from.
pub const SEED_CLOUDFLARE: &str = "000_7cd0f25d4adb5ad5.txt";
pub const SEED_LEFT_BROWSER: &str = "001_6d35e6dcf17d5748.txt";
pub const SEED_OUTSIDE_BROWSER: &str = "002_524e2cc9a11b0f24.txt";
pub const SEED_SERVER_SIDE: &str = "003_98e9ecf5b2b9ad2b.txt";
pub const SEED_PORTABLE_SECURE: &str = "004_d77f572dddcd5d82.txt";

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
