//! The workload registry: every guest the corpus holds, with its native twin.
//!
//! A Rust workload is one source crate under `workloads/rust/<name>` compiled twice: to
//! `wasm32-unknown-unknown` (by `corpus build`) and natively into this crate (the `native` and
//! `subprocess` baselines). Its input is generated here, by the host, at run time; the native
//! kernel's checksum over that input is the answer every engine must reproduce.
//!
//! WAT micro-modules (call overhead) and adversarial guests (trap, hang) live beside them.
//! Adding a workload means adding its crate and one row to [`RUST_WORKLOADS`].

use std::hint::black_box;

/// Seed for every generated input; recorded in the manifest.
pub const INPUT_SEED: u64 = 0x0005_eed0_f3a5_7a11;

/// The two input sizes every Rust workload has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Small,
    Large,
}

impl Size {
    pub const ALL: [Size; 2] = [Size::Small, Size::Large];

    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Large => "large",
        }
    }

    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "small" => Some(Size::Small),
            "large" => Some(Size::Large),
            _ => None,
        }
    }
}

/// A Rust compute workload and its native build.
pub struct RustWorkload {
    pub name: &'static str,
    /// Cargo package that holds the source (`workloads/rust/<dir>`).
    pub package: &'static str,
    pub description: &'static str,
    /// The size parameter `n` handed to the input generator, per [`Size`].
    pub small_n: usize,
    pub large_n: usize,
    /// What `n` counts, for the manifest and reports.
    pub n_unit: &'static str,
    /// The native kernel (same source as the guest).
    pub run: fn(&[u8]) -> u64,
    /// Deterministic input generator `(n, seed) -> bytes`.
    pub input: fn(usize, u64) -> Vec<u8>,
}

impl RustWorkload {
    pub fn n(&self, size: Size) -> usize {
        match size {
            Size::Small => self.small_n,
            Size::Large => self.large_n,
        }
    }

    /// The exact input bytes for one size (host-generated, never inside a measured call).
    pub fn input_for(&self, size: Size) -> Vec<u8> {
        (self.input)(self.n(size), INPUT_SEED)
    }

    /// Runs the native kernel once, with its input and output through `black_box`.
    pub fn run_native(&self, input: &[u8]) -> u64 {
        black_box((self.run)(black_box(input)))
    }

    /// File name of the wasm artifact cargo produces for this workload's package.
    pub fn wasm_file_name(&self) -> String {
        format!("{}.wasm", self.package.replace('-', "_"))
    }
}

macro_rules! rust_workload {
    ($name:literal, $krate:ident, $pkg:literal, $desc:literal, $small:expr, $large:expr, $unit:literal) => {
        RustWorkload {
            name: $name,
            package: $pkg,
            description: $desc,
            small_n: $small,
            large_n: $large,
            n_unit: $unit,
            run: $krate::run,
            input: $krate::input,
        }
    };
}

/// Every Rust workload of the corpus, in report order.
pub static RUST_WORKLOADS: &[RustWorkload] = &[
    rust_workload!(
        "sha256",
        wl_sha256,
        "wl-sha256",
        "SHA-256 of a byte buffer (integer work; portable code on both sides, no SHA-NI)",
        16 << 10,
        1 << 20,
        "bytes"
    ),
    rust_workload!(
        "deflate",
        wl_deflate,
        "wl-deflate",
        "DEFLATE compress + decompress round trip (miniz_oxide)",
        16 << 10,
        256 << 10,
        "bytes of text"
    ),
    rust_workload!("json", wl_json, "wl-json", "JSON parse + serialize (serde_json)", 50, 2000, "records"),
    rust_workload!(
        "regex",
        wl_regex,
        "wl-regex",
        "regular-expression search over text (regex crate)",
        32 << 10,
        1 << 20,
        "bytes of text"
    ),
    rust_workload!("sort", wl_sort, "wl-sort", "unstable sort of u32 values", 10_000, 250_000, "values"),
    rust_workload!("matmul", wl_matmul, "wl-matmul", "dense f64 matrix multiply", 40, 160, "matrix side"),
    rust_workload!("nbody", wl_nbody, "wl-nbody", "five-body simulation (f64, sqrt)", 2_000, 100_000, "steps"),
    rust_workload!(
        "image",
        wl_image,
        "wl-image",
        "RGBA to grayscale + bilinear half-size resize",
        96,
        800,
        "image width"
    ),
    rust_workload!("fib", wl_fib, "wl-fib", "recursive Fibonacci (call-heavy)", 20, 30, "n"),
    rust_workload!("markdown", wl_markdown, "wl-markdown", "Markdown to HTML (pulldown-cmark)", 20, 600, "sections"),
];

pub fn rust_workload(name: &str) -> Option<&'static RustWorkload> {
    RUST_WORKLOADS.iter().find(|w| w.name == name)
}

/// One call of a WAT micro-module with its expected results (numbers as i64 bit patterns).
pub struct MicroCall {
    pub export: &'static str,
    pub args: &'static [i64],
    pub results: &'static [i64],
}

/// A hand-written WAT module for call-overhead work. Its native twin is the expected results
/// table below, each value worked out by the Rust functions in [`micro_native`].
pub struct MicroModule {
    pub name: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// Host functions it imports (see `engines::host`).
    pub imports_host: bool,
    pub calls: fn() -> Vec<MicroCallOwned>,
}

/// Owned form of [`MicroCall`], produced by the native twin at corpus build time.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MicroCallOwned {
    pub export: String,
    pub args: Vec<i64>,
    pub results: Vec<i64>,
}

/// Native twins of the WAT micro-modules: the same arithmetic in Rust.
pub mod micro_native {
    use crate::engines::host::tick;

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
}

pub static MICRO_MODULES: &[MicroModule] = &[
    MicroModule {
        name: "mem_touch",
        description: "one 64 KiB memory page and an export that writes each of its 4 KiB pages (memory per instance)",
        source: include_str!("../../workloads/wat/mem_touch.wat"),
        imports_host: false,
        calls: || vec![MicroCallOwned { export: "touch".into(), args: vec![], results: vec![16] }],
    },
    MicroModule {
        name: "empty",
        description: "an export that does nothing (host->guest call floor)",
        source: include_str!("../../workloads/wat/empty.wat"),
        imports_host: false,
        calls: || vec![MicroCallOwned { export: "empty".into(), args: vec![], results: vec![] }],
    },
    MicroModule {
        name: "add4",
        description: "an export with 4 i64 params and 1 result",
        source: include_str!("../../workloads/wat/add4.wat"),
        imports_host: false,
        calls: || {
            vec![MicroCallOwned {
                export: "add4".into(),
                args: vec![7, -3, 11, 0x55],
                results: vec![micro_native::add4(7, -3, 11, 0x55)],
            }]
        },
    },
    MicroModule {
        name: "host_loop",
        description: "an export that calls the host import wasmgauge.tick N times in a loop",
        source: include_str!("../../workloads/wat/host_loop.wat"),
        imports_host: true,
        calls: || {
            vec![MicroCallOwned {
                export: "call_host".into(),
                args: vec![1000],
                results: vec![i64::from(micro_native::host_loop(1000))],
            }]
        },
    },
    MicroModule {
        name: "checksum",
        description: "checksum (and in-place invert) of a buffer the host wrote into guest memory",
        source: include_str!("../../workloads/wat/checksum.wat"),
        imports_host: false,
        calls: || {
            // The manifest call checksums the first 4096 bytes at offset 0 after the host wrote
            // `checksum_buffer(4096)` there.
            let sum = micro_native::checksum(&micro_native::checksum_buffer(4096));
            vec![
                MicroCallOwned { export: "checksum".into(), args: vec![0, 4096], results: vec![sum] },
                MicroCallOwned { export: "invert".into(), args: vec![0, 4096], results: vec![sum] },
            ]
        },
    },
    MicroModule {
        name: "spin",
        description: "a loop whose work is exactly proportional to its argument (linearity checks)",
        source: include_str!("../../workloads/wat/spin.wat"),
        imports_host: false,
        calls: || {
            vec![MicroCallOwned {
                export: "spin".into(),
                args: vec![100_000],
                results: vec![micro_native::spin(100_000)],
            }]
        },
    },
];

pub fn micro_module(name: &str) -> Option<&'static MicroModule> {
    MICRO_MODULES.iter().find(|m| m.name == name)
}

/// Guests that misbehave on purpose. They follow the Rust workload ABI (`wg_alloc`, `run`),
/// so they can be put in any run with `--workloads`; their native twins misbehave the same way.
pub struct AdversarialGuest {
    pub name: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    pub native: fn(&[u8]) -> u64,
}

pub static ADVERSARIAL_GUESTS: &[AdversarialGuest] = &[
    AdversarialGuest {
        name: "trap",
        description: "executes `unreachable` on every call (the plugin that crashes)",
        source: include_str!("../../workloads/adversarial/trap.wat"),
        native: |_| panic!("native twin of `trap`: the guest crashed"),
    },
    AdversarialGuest {
        name: "hang",
        description: "loops forever on every call (the plugin that never returns)",
        source: include_str!("../../workloads/adversarial/hang.wat"),
        native: |_| {
            let mut x = 0u64;
            loop {
                x = black_box(x.wrapping_add(1));
            }
        },
    },
];

pub fn adversarial_guest(name: &str) -> Option<&'static AdversarialGuest> {
    ADVERSARIAL_GUESTS.iter().find(|g| g.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_across_kinds() {
        let mut names: Vec<&str> = RUST_WORKLOADS.iter().map(|w| w.name).collect();
        names.extend(MICRO_MODULES.iter().map(|m| m.name));
        names.extend(ADVERSARIAL_GUESTS.iter().map(|g| g.name));
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "{names:?}");
    }

    #[test]
    fn native_kernels_are_deterministic_and_sizes_differ() {
        for w in RUST_WORKLOADS {
            let small = w.input_for(Size::Small);
            assert_eq!(w.run_native(&small), w.run_native(&w.input_for(Size::Small)), "{}", w.name);
            assert!(w.large_n > w.small_n, "{}", w.name);
        }
    }

    #[test]
    fn micro_native_twins() {
        assert_eq!(micro_native::host_loop(3), 1 + 2 + 3);
        assert_eq!(micro_native::checksum(&[1, 2]), ((1u64.rotate_left(5)) ^ 2) as i64);
        assert_eq!(micro_native::spin(0), 0);
    }
}
