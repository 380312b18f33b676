//! The Rust WASI workload, one source built twice: for `wasm32-wasip1` (the guest) and for the
//! host (its native twin). Two kinds of run:
//!
//! - `wasi_io transform IN OUT`: reads the text file IN, rewrites every line (words reversed
//!   in order, letters upper-cased, a running line number in front), writes OUT, and prints
//!   line, word and byte counts and an FNV-1a hash of OUT: a read-transform-write program of
//!   the kind services run.
//! - `wasi_io io OP BYTES COUNT DIR`: one untimed and then COUNT timed operations of one kind:
//!   `write` (seek to 0, write BYTES to DIR/io.bin), `read` (seek to 0, read BYTES back),
//!   `stat` (open DIR/io.bin, read its metadata, close), `stdout` (write BYTES to stdout),
//!   `clock` (read the monotonic and the real-time clock), `random` (BYTES random bytes).
//!   It prints the operation, its count and a checksum of everything it read, so an engine
//!   that skipped or garbled work is caught by its output, and on stderr `loop_ns N`: the
//!   monotonic clock around the COUNT operations alone (`Instant`: WASI's `clock_time_get` in
//!   the guest, `clock_gettime` native), so no start-up, instantiation or process jitter lands
//!   in the figure; one untimed operation goes first, so what only a first one pays (the
//!   buffer's page faults) is not in it either.
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::exit;

fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("wasi_io: {what}: {e}");
    exit(1)
}

#[cfg(target_os = "wasi")]
fn random_bytes(buf: &mut [u8]) {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    unsafe extern "C" {
        fn random_get(buf: *mut u8, len: usize) -> u16;
    }
    // SAFETY: the pointer and length describe `buf`, which random_get fills.
    if unsafe { random_get(buf.as_mut_ptr(), buf.len()) } != 0 {
        fail("random_get", "failed");
    }
}

#[cfg(not(target_os = "wasi"))]
fn random_bytes(buf: &mut [u8]) {
    // The native twin asks the kernel, as a WASI runtime's random_get does on Linux.
    // SAFETY: the pointer and length describe `buf`, which getrandom fills.
    let got = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    if got != buf.len() as isize {
        fail("getrandom", std::io::Error::last_os_error());
    }
}

/// A deterministic buffer of `n` bytes ending in a newline (so stdout flushes it whole).
fn pattern(n: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
    if let Some(last) = v.last_mut() {
        *last = b'\n';
    }
    v
}

fn transform(input: &str, output: &str) {
    let mut text = String::new();
    File::open(input).and_then(|mut f| f.read_to_string(&mut text)).unwrap_or_else(|e| fail(input, e));
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let (mut lines, mut words) = (0usize, 0usize);
    for line in text.lines() {
        lines += 1;
        let mut ws: Vec<String> = line.split_whitespace().map(|w| w.to_uppercase()).collect();
        words += ws.len();
        ws.reverse();
        out.push_str(&format!("{lines:06} {}\n", ws.join(" ")));
    }
    let mut f = File::create(output).unwrap_or_else(|e| fail(output, e));
    f.write_all(out.as_bytes()).unwrap_or_else(|e| fail(output, e));
    println!(
        "lines {lines} words {words} bytes in {} out {} fnv1a {:016x}",
        text.len(),
        out.len(),
        fnv1a(FNV_OFFSET, out.as_bytes())
    );
}

/// Runs `op` once untimed (what only a first operation pays: the buffer's page faults, a cold
/// cache), then `count` times on the monotonic clock: the nanoseconds of those `count`.
fn timed_loop(count: usize, mut op: impl FnMut()) -> u128 {
    op();
    let started = std::time::Instant::now();
    for _ in 0..count {
        op();
    }
    started.elapsed().as_nanos()
}

fn io(op: &str, bytes: usize, count: usize, dir: &str) {
    let path = format!("{dir}/io.bin");
    let mut check = FNV_OFFSET;
    let open_rw = || OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path);
    // Set-up, then one untimed operation and `count` timed ones.
    let loop_ns = match op {
        "write" => {
            let buf = pattern(bytes);
            let mut f = open_rw().unwrap_or_else(|e| fail(&path, e));
            timed_loop(count, || {
                f.seek(SeekFrom::Start(0)).unwrap_or_else(|e| fail("seek", e));
                f.write_all(&buf).unwrap_or_else(|e| fail("write", e));
            })
        }
        "read" => {
            let mut f = open_rw().unwrap_or_else(|e| fail(&path, e));
            f.write_all(&pattern(bytes)).unwrap_or_else(|e| fail("write", e));
            let mut buf = vec![0u8; bytes];
            timed_loop(count, || {
                f.seek(SeekFrom::Start(0)).unwrap_or_else(|e| fail("seek", e));
                f.read_exact(&mut buf).unwrap_or_else(|e| fail("read", e));
                check = fnv1a(check, &buf[..buf.len().min(64)]);
            })
        }
        "stat" => {
            File::create(&path).and_then(|mut f| f.write_all(&pattern(bytes))).unwrap_or_else(|e| fail(&path, e));
            timed_loop(count, || {
                let f = File::open(&path).unwrap_or_else(|e| fail(&path, e));
                let len = f.metadata().unwrap_or_else(|e| fail("stat", e)).len();
                check = fnv1a(check, &len.to_le_bytes());
            })
        }
        "stdout" => {
            let buf = pattern(bytes);
            let mut out = std::io::stdout().lock();
            timed_loop(count, || out.write_all(&buf).unwrap_or_else(|e| fail("stdout", e)))
        }
        "clock" => {
            let mut last = std::time::Instant::now();
            timed_loop(count, || {
                let now = std::time::Instant::now();
                let wall = std::time::SystemTime::now();
                if now < last || wall < std::time::UNIX_EPOCH {
                    fail("clock", "went backwards");
                }
                last = now;
            })
        }
        "random" => {
            let mut buf = vec![0u8; bytes];
            let mut zero = 0usize;
            let ns = timed_loop(count, || {
                random_bytes(&mut buf);
                zero += usize::from(buf.iter().all(|b| *b == 0));
            });
            if bytes >= 8 && zero == count + 1 {
                fail("random", "every buffer was all zero");
            }
            ns
        }
        other => fail("unknown operation", other),
    };
    println!("op {op} bytes {bytes} count {count} check {check:016x}");
    eprintln!("loop_ns {loop_ns}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize| -> usize {
        args.get(i).and_then(|s| s.parse().ok()).unwrap_or_else(|| fail("usage", "a number is missing"))
    };
    match args.get(1).map(String::as_str) {
        Some("transform") if args.len() == 4 => transform(&args[2], &args[3]),
        Some("io") if args.len() == 6 => io(&args[2], num(3), num(4), &args[5]),
        _ => {
            eprintln!(
                "usage: wasi_io transform IN OUT | wasi_io io write|read|stat|stdout|clock|random BYTES COUNT DIR"
            );
            exit(2)
        }
    }
}
