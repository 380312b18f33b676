//! The machine's limits, measured once at run start ([`measure`]): its fastest memory copy at
//! a few sizes, its clock's resolution and its cheapest system call. The results file records
//! them (`environment.limits`), and [`results::plausibility`] flags any figure beyond them.
use results::environment::{CopyRate, MachineLimits};
use std::hint::black_box;

/// Sizes copied: from one that stays in L1 to one that goes to memory.
const COPY_SIZES: [usize; 4] = [4 << 10, 64 << 10, 1 << 20, 16 << 20];
/// Bytes one timed batch of copies moves.
const BATCH_BYTES: usize = 16 << 20;

/// Measures the limits (about 50 ms).
pub fn measure() -> MachineLimits {
    let copy = COPY_SIZES.iter().map(|&b| CopyRate { bytes: b as u64, mb_per_s: fastest_copy(b) }).collect();
    let (_, clock_resolution_ns) = crate::calibration::clock();
    MachineLimits { copy, clock_resolution_ns, empty_syscall_ns: cheapest_syscall() }
}

/// The fastest copy of `bytes` bytes, in 10^6 bytes per second: the best of a few timed
/// batches ([`crate::calibration::loop_cost`]), each copying the same source into the same
/// destination until [`BATCH_BYTES`] moved (after one untimed copy, so no page fault is timed).
fn fastest_copy(bytes: usize) -> f64 {
    let src = vec![0x5au8; bytes];
    let mut dst = vec![0u8; bytes];
    dst.copy_from_slice(&src);
    let copies = (BATCH_BYTES / bytes).max(1) as u64;
    let best_ns = crate::calibration::loop_cost(copies, |n| {
        crate::measurement::time(|| {
            for _ in 0..n {
                dst.copy_from_slice(black_box(&src));
                black_box(&mut dst);
            }
        })
        .1
    });
    bytes as f64 * 1e3 / best_ns.max(f64::MIN_POSITIVE)
}

/// The cheapest system call (`getpid`, which the C library no longer caches), in ns: the best
/// batch of 10,000 over its calls ([`crate::calibration::loop_cost`]).
fn cheapest_syscall() -> f64 {
    crate::calibration::loop_cost(10_000, |n| {
        crate::measurement::time(|| {
            for _ in 0..n {
                black_box(std::process::id());
            }
        })
        .1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_measured_and_plausible() {
        let l = measure();
        assert_eq!(l.copy.len(), COPY_SIZES.len());
        // Any machine copies at least 100 MB/s and at most 10 TB/s.
        assert!(l.copy.iter().all(|c| (100.0..1e7).contains(&c.mb_per_s)), "{l:?}");
        assert!(l.clock_resolution_ns > 0.0 && l.clock_resolution_ns < 1e6, "{l:?}");
        // A system call takes more than a nanosecond and less than 100 µs.
        assert!((1.0..1e5).contains(&l.empty_syscall_ns), "{l:?}");
    }
}
