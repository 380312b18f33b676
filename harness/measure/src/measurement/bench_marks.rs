//! The two marks a suite's counted region lies between: functions that do nothing, which
//! `bench.start`'s host side calls last and `bench.end`'s first ([`crate::wasi::BenchRegion`]),
//! and which callgrind finds by name ([`crate::measurement::instructions::bench_valgrind_command`]
//! zeroes its counters on entering the first and dumps them on leaving the second).

/// The function `bench.start`'s host side calls last (the counters are zeroed on entering it).
pub const BENCH_START_MARK: &str = "wasmgauge_bench_start_mark";
/// The function `bench.end`'s host side calls first (the counters are dumped on leaving it).
pub const BENCH_END_MARK: &str = "wasmgauge_bench_end_mark";

/// Where a benchmark's counted region begins; does nothing (its own instructions are few and
/// the same in every run). Not inlined and not mangled, so callgrind finds it by name.
#[inline(never)]
#[unsafe(no_mangle)]
pub extern "C" fn wasmgauge_bench_start_mark() {
    std::hint::black_box(1u8);
}

/// Where a benchmark's counted region ends (see [`wasmgauge_bench_start_mark`]).
#[inline(never)]
#[unsafe(no_mangle)]
pub extern "C" fn wasmgauge_bench_end_mark() {
    std::hint::black_box(2u8);
}
