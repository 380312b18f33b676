//! Native twins of the WAT micro-modules (`workloads/wat/`): the same arithmetic in Rust, the
//! answers every call-overhead call is verified against (and the corpus manifest records).
use crate::host::tick;

/// The four arguments of `add4` every call passes.
pub const ADD4_ARGS: [i64; 4] = [7, -3, 11, 0x55];

/// The native twin of `add4`.
pub fn add4(a: i64, b: i64, c: i64, d: i64) -> i64 {
    a.wrapping_mul(3).wrapping_add(b).wrapping_sub(c) ^ d
}

/// The guest loop: `acc = acc + tick(i)` for i in 0..n.
pub fn host_loop(n: i32) -> i32 {
    (0..n).fold(0i32, |acc, i| acc.wrapping_add(tick(i)))
}

/// Rolling checksum over bytes: `h = (h rotl 5) ^ byte`, as the WAT module computes it.
pub fn checksum(bytes: &[u8]) -> i64 {
    bytes.iter().fold(0u64, |h, &b| h.rotate_left(5) ^ u64::from(b)) as i64
}

/// `invert` of the checksum module: the checksum of the bytes, which are then inverted
/// (`b ^ 0xff`) in place for the host to read back.
pub fn invert(bytes: &mut [u8]) -> i64 {
    let sum = checksum(bytes);
    bytes.iter_mut().for_each(|b| *b ^= 0xff);
    sum
}

/// The linear spin loop: `x = x * 6364136223846793005 + 1442695040888963407`, n times.
pub fn spin(n: i64) -> i64 {
    (0..n).fold(n, |x, _| x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407))
}

/// The default buffer the host writes for the `checksum` micro-module's manifest check.
pub fn checksum_buffer(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// The data benchmark's `n`-byte input and its native answers: the checksum, and the inverted
/// bytes the host must read back.
pub fn data_case(n: usize) -> (Vec<u8>, i64, Vec<u8>) {
    let input = checksum_buffer(n);
    let mut back = input.clone();
    let sum = invert(&mut back);
    (input, sum, back)
}

#[cfg(test)]
mod tests {
    #[test]
    fn native_twins_compute_the_guest_answers() {
        assert_eq!(super::host_loop(3), 1 + 2 + 3);
        assert_eq!(super::checksum(&[1, 2]), ((1u64.rotate_left(5)) ^ 2) as i64);
        assert_eq!(super::spin(0), 0);
    }
}
