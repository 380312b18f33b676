//! Workload `fib`: naive recursive Fibonacci of the `u32` in the input (call-heavy).
fn fib(n: u32) -> u64 {
    if n < 2 { u64::from(n) } else { fib(n - 1) + fib(n - 2) }
}

pub fn run(input: &[u8]) -> u64 {
    fib(u32::from_le_bytes(input[..4].try_into().expect("n")))
}

/// `n` as a little-endian u32 (the seed is not used: the work is defined by `n` alone).
pub fn input(n: usize, _seed: u64) -> Vec<u8> {
    (n as u32).to_le_bytes().to_vec()
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn fib_20() {
        assert_eq!(super::run(&20u32.to_le_bytes()), 6765);
    }
}
