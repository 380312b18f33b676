//! The WASI capability probe (built for `wasm32-wasip1`). `wasi_probe ACTION [ARGS...]` tries
//! one thing and reports through its exit code only, so every runtime's WASI layer can be
//! judged the same way without capturing output:
//!
//! - 0: the action succeeded (and, where it reads something, read what it was told to expect);
//! - 1: the action was refused by the WASI layer (an I/O error);
//! - 2: something else (a wrong answer, a bad argument);
//! - `exit N`: exits with N.
//!
//! Actions: `read PATH EXPECTED`, `write PATH TEXT`, `create-in DIR`, `args A B ...`,
//! `env NAME VALUE`, `clock`, `random`, `exit N`.
//!
//! Two more behave like a small command for `run --module --wasi` and its tests: `transform DIR`
//! reads stdin, prints a greeting (`$WG_GREETING`) and the byte count to stdout, and writes stdin
//! upper-cased to a new file `DIR/out.txt` (refused, exit 1, if it already exists: a run that
//! sees an earlier run's file fails); `noise` prints 16 random bytes in hex (different every run).
use std::process::exit;

fn io<T>(r: std::io::Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(_) => exit(1),
    }
}

#[cfg(target_os = "wasi")]
fn random_bytes(buf: &mut [u8]) -> bool {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    unsafe extern "C" {
        fn random_get(buf: *mut u8, len: usize) -> u16;
    }
    // SAFETY: the pointer and length describe `buf`, which random_get fills.
    unsafe { random_get(buf.as_mut_ptr(), buf.len()) == 0 }
}

#[cfg(not(target_os = "wasi"))]
fn random_bytes(buf: &mut [u8]) -> bool {
    // Native builds (the workspace's host build) only need to compile; use the clock.
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (t >> (i % 16)) as u8 ^ i as u8;
    }
    true
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| exit(2));
    match args.get(1).map(String::as_str) {
        Some("read") => {
            let text = io(std::fs::read_to_string(arg(2)));
            exit(if text == arg(3) { 0 } else { 2 })
        }
        Some("write") => {
            io(std::fs::write(arg(2), arg(3)));
            exit(0)
        }
        Some("create-in") => {
            let path = format!("{}/created-by-probe.txt", arg(2).trim_end_matches('/'));
            io(std::fs::write(path, "probe"));
            exit(0)
        }
        Some("args") => exit(if args[2..] == ["alpha", "beta gamma"] { 0 } else { 2 }),
        Some("env") => exit(if std::env::var(arg(2)).ok() == Some(arg(3)) { 0 } else { 2 }),
        Some("clock") => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs());
            let t0 = std::time::Instant::now();
            let mut x = 0u64;
            for i in 0..100_000u64 {
                x = x.wrapping_add(i * i);
            }
            std::hint::black_box(x);
            let later = std::time::Instant::now() >= t0;
            // After 2020-01-01 and monotonic.
            exit(if matches!(now, Ok(s) if s > 1_577_836_800) && later { 0 } else { 2 })
        }
        Some("random") => {
            let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
            let ok = random_bytes(&mut a) && random_bytes(&mut b);
            exit(if ok && a != b && a.iter().any(|x| *x != 0) { 0 } else { 2 })
        }
        Some("exit") => exit(arg(2).parse().unwrap_or(2)),
        Some("transform") => {
            use std::io::{Read, Write};
            let mut input = Vec::new();
            io(std::io::stdin().read_to_end(&mut input));
            let greeting = std::env::var("WG_GREETING").unwrap_or_else(|_| "hello".into());
            println!("{greeting} from wasi_probe: {} bytes on stdin", input.len());
            let path = format!("{}/out.txt", arg(2).trim_end_matches('/'));
            let mut out = io(std::fs::OpenOptions::new().write(true).create_new(true).open(path));
            io(out.write_all(&input.to_ascii_uppercase()));
            exit(0)
        }
        Some("noise") => {
            let mut a = [0u8; 16];
            if !random_bytes(&mut a) {
                exit(2)
            }
            println!("{}", a.iter().map(|b| format!("{b:02x}")).collect::<String>());
            exit(0)
        }
        _ => exit(2),
    }
}
