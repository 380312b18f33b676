//! Workload `sha256`: SHA-256 of the input bytes; the checksum is the digest's first 8 bytes.
use sha2::{Digest, Sha256};

pub fn run(input: &[u8]) -> u64 {
    let digest = Sha256::digest(input);
    u64::from_le_bytes(digest[..8].try_into().expect("digest is 32 bytes"))
}

/// `n` pseudo-random bytes.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = wg_common::Rng::new(seed);
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn matches_known_digest() {
        // sha256("abc") = ba7816bf8f01cfea...
        assert_eq!(super::run(b"abc"), u64::from_le_bytes([0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea]));
    }
}
