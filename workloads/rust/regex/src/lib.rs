//! Workload `regex`: find e-mail addresses and 4+ digit numbers in text with the `regex` crate.
//! The patterns are compiled once per instance (the first call pays for it, like a plugin would);
//! the checksum covers every match's position and length.
use regex::bytes::Regex;
use std::sync::OnceLock;

fn patterns() -> &'static [Regex; 2] {
    static PATTERNS: OnceLock<[Regex; 2]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            Regex::new(r"\b[a-z]+[0-9]*@[a-z]+\.(com|org|net|io)\b").expect("valid pattern"),
            Regex::new(r"\b[0-9]{4,}\b").expect("valid pattern"),
        ]
    })
}

pub fn run(input: &[u8]) -> u64 {
    let mut hash = 0u64;
    for re in patterns() {
        for m in re.find_iter(input) {
            hash = wg_common::mix(hash, ((m.start() as u64) << 16) | m.len() as u64);
        }
    }
    hash
}

/// About `n` bytes of text with e-mail addresses and numbers in it.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    wg_common::text(n, seed).into_bytes()
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn finds_matches() {
        assert_ne!(super::run(b"mail wasm1@edge.io and 12345 here"), 0);
        assert_eq!(super::run(b"nothing to see"), 0);
    }
}
