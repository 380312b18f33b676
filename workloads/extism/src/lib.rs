//! The Extism plugin of the three-ways comparison: the plugin interface's `noop`, `invert` and
//! `call-host` (../components/wit/plugin.wit) as Extism functions, bytes in and bytes out through
//! extism-pdk's input and output (which copy between the plugin's memory and Extism's kernel).
//! The host's `tick` is imported from `extism:host/user` with plain i64 values, as the component
//! guests import it. Native twins: harness/measure/src/component/reference.rs.
use extism_pdk::{FnResult, plugin_fn};

#[link(wasm_import_module = "extism:host/user")]
unsafe extern "C" {
    /// x * 2 + 1, wrapping (the host's).
    fn tick(x: u64) -> u64;
}

/// Nothing in, nothing out.
#[plugin_fn]
pub fn noop(_: ()) -> FnResult<()> {
    Ok(())
}

/// Bytes in; out: the input with every byte inverted, then the rolling checksum of the input
/// (`h = (h rotl 5) ^ byte`, from 0) as 8 bytes little-endian.
#[plugin_fn]
pub fn invert(mut data: Vec<u8>) -> FnResult<Vec<u8>> {
    let mut h = 0u64;
    for b in &mut data {
        h = h.rotate_left(5) ^ u64::from(*b);
        *b ^= 0xff;
    }
    data.extend_from_slice(&h.to_le_bytes());
    Ok(data)
}

/// n (4 bytes little-endian) in; calls the host's `tick` n times (with 0, 1, .., n-1) and
/// returns the wrapping sum (8 bytes little-endian).
#[plugin_fn]
pub fn call_host(n: Vec<u8>) -> FnResult<Vec<u8>> {
    let n: [u8; 4] = n.as_slice().try_into()?;
    let sum = (0..u64::from(u32::from_le_bytes(n))).fold(0u64, |acc, i| acc.wrapping_add(unsafe { tick(i) }));
    Ok(sum.to_le_bytes().to_vec())
}
