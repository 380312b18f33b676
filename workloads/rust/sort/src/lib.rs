//! Workload `sort`: copy the input's little-endian u32 values into a vector and sort it
//! (unstable sort); the checksum samples the sorted order.
pub fn run(input: &[u8]) -> u64 {
    let mut values: Vec<u32> =
        input.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("chunk of 4"))).collect();
    values.sort_unstable();
    let mut hash = values.len() as u64;
    for (i, v) in values.iter().enumerate().step_by(7) {
        hash = wg_common::mix(hash, ((i as u64) << 32) | u64::from(*v));
    }
    hash
}

/// `n` pseudo-random u32 values, little-endian.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = wg_common::Rng::new(seed);
    (0..n).flat_map(|_| (rng.next_u64() as u32).to_le_bytes()).collect()
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn order_matters_not() {
        let a: Vec<u8> = [3u32, 1, 2].iter().flat_map(|v| v.to_le_bytes()).collect();
        let b: Vec<u8> = [1u32, 2, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(super::run(&a), super::run(&b));
    }
}
