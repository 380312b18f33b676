//! Workload `matmul`: C = A x B for two dense n x n f64 matrices (i-k-j loop order);
//! the checksum covers C's exact bit patterns.
pub fn run(input: &[u8]) -> u64 {
    let n = u32::from_le_bytes(input[..4].try_into().expect("header")) as usize;
    let vals: Vec<f64> =
        input[4..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("chunk of 8"))).collect();
    assert_eq!(vals.len(), 2 * n * n, "matmul input holds two n x n matrices");
    let (a, b) = vals.split_at(n * n);
    let mut c = vec![0.0f64; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            let row = &b[k * n..(k + 1) * n];
            let out = &mut c[i * n..(i + 1) * n];
            for (o, bkj) in out.iter_mut().zip(row) {
                *o += aik * bkj;
            }
        }
    }
    c.iter().fold(n as u64, |h, v| wg_common::mix(h, v.to_bits()))
}

/// Header `n: u32` then two n x n matrices of f64 in [-1, 1).
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = wg_common::Rng::new(seed);
    let mut out = (n as u32).to_le_bytes().to_vec();
    for _ in 0..2 * n * n {
        out.extend_from_slice(&(rng.unit_f64() * 2.0 - 1.0).to_le_bytes());
    }
    out
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn identity_times_b_is_b() {
        let mut input = 2u32.to_le_bytes().to_vec();
        for v in [1.0f64, 0.0, 0.0, 1.0, 5.0, 6.0, 7.0, 8.0] {
            input.extend_from_slice(&v.to_le_bytes());
        }
        let expect = [5.0f64, 6.0, 7.0, 8.0].iter().fold(2u64, |h, v| wg_common::mix(h, v.to_bits()));
        assert_eq!(super::run(&input), expect);
    }
}
