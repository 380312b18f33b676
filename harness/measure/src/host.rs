//! The host functions the harness offers guests, bound by every engine at instantiation.
//!
//! One function is enough for the call-overhead work: `wasmgauge.tick(i32) -> i32` returns its
//! argument plus one, so a guest loop over it has an answer the host can check natively.

/// Import module name of every host function.
pub const MODULE: &str = "wasmgauge";
/// `tick(i32) -> i32`: returns `i + 1` (wrapping).
pub const TICK: &str = "tick";

/// The host side of `wasmgauge.tick`.
pub fn tick(i: i32) -> i32 {
    i.wrapping_add(1)
}

/// True when an import `(module, name)` is one the harness can satisfy.
pub fn provides(module: &str, name: &str) -> bool {
    module == MODULE && name == TICK
}

/// Host functions the sandbox checks import (module [`SANDBOX_MODULE`]), defined in every
/// conformance session.
pub const SANDBOX_MODULE: &str = "wasmgauge_sandbox";
/// `sleep_ms(i32)`: sleeps that many milliseconds (a slow host call a guest can loop on).
pub const SLEEP_MS: &str = "sleep_ms";
/// `read_guest(ptr: i32, len: i32) -> i32`: the host reads `len` bytes of the caller's
/// exported `memory` at `ptr` and returns their sum; a range outside the memory is refused
/// (the call traps with [`OUTSIDE_MEMORY`]) before anything is allocated or read.
pub const READ_GUEST: &str = "read_guest";
/// The message of a refused `read_guest`.
pub use protocol::conform::OUTSIDE_MEMORY;

/// The host side of `sleep_ms`.
pub fn sleep_ms(ms: i32) {
    std::thread::sleep(std::time::Duration::from_millis(ms.max(0) as u64));
}

/// Checks a guest-supplied `(ptr, len)` against a memory of `size` bytes; the byte range it
/// names when it fits.
pub fn guest_range(ptr: i32, len: i32, size: usize) -> Result<std::ops::Range<usize>, String> {
    let (start, len) = (ptr as u32 as u64, len as u32 as u64);
    let end = start + len;
    if end > size as u64 {
        return Err(format!("{OUTSIDE_MEMORY} ({start:#x} + {len:#x} > {size:#x})"));
    }
    Ok(start as usize..end as usize)
}

/// The answer of `read_guest` over bytes the host read.
pub fn byte_sum(bytes: &[u8]) -> i32 {
    bytes.iter().fold(0i32, |acc, b| acc.wrapping_add(*b as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_ranges_are_checked_without_overflow() {
        assert_eq!(guest_range(0, 4, 65536).unwrap(), 0..4);
        assert!(guest_range(65533, 4, 65536).is_err());
        assert!(guest_range(-16, 0x100, 65536).unwrap_err().contains(OUTSIDE_MEMORY));
        assert!(guest_range(0, -1, 65536).is_err());
        assert_eq!(byte_sum(&[1, 2, 255]), 258);
    }
}
