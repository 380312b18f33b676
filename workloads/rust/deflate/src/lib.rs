//! Workload `deflate`: DEFLATE-compress the input (level 6), decompress it again and check the
//! round trip; the checksum covers the compressed stream.
use miniz_oxide::{deflate::compress_to_vec, inflate::decompress_to_vec};

pub fn run(input: &[u8]) -> u64 {
    let packed = compress_to_vec(input, 6);
    let unpacked = decompress_to_vec(&packed).expect("our own stream decompresses");
    assert!(unpacked == input, "deflate round trip changed the data");
    wg_common::mix(wg_common::fnv1a(&packed), input.len() as u64)
}

/// About `n` bytes of compressible English-like text.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut text = wg_common::text(n, seed).into_bytes();
    text.truncate(n);
    text
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn compresses_text() {
        let data = super::input(4096, 1);
        assert!(miniz_oxide::deflate::compress_to_vec(&data, 6).len() < data.len() / 2);
        assert_eq!(super::run(&data), super::run(&data));
    }
}
