//! The values that cross the harness's narrow interfaces and appear in result files: numbers
//! passed to and returned by exports ([`Val`], [`ValType`]), the two input sizes ([`Size`]) and
//! what became of a cell ([`CellStatus`]).
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// A WebAssembly number value. Floats are carried as raw bits so comparisons are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as its bits.
    F32(u32),
    /// A 64-bit float, as its bits.
    F64(u64),
}

/// The number types the interface supports (what `run --module` can pass and receive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
}

impl Val {
    /// The value's type.
    pub fn ty(self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
        }
    }

    /// The zero of a type, used to size result buffers.
    pub fn zero(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
        }
    }

    /// Parses a command-line argument as a value of `ty` (floats in decimal notation).
    pub fn parse(ty: ValType, text: &str) -> Result<Val> {
        let bad = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot read {text:?} as {ty:?}: {e}");
        Ok(match ty {
            ValType::I32 => {
                Val::I32(text.parse::<i64>().map_err(|e| bad(&e)).and_then(|v| {
                    i32::try_from(v).or_else(|_| u32::try_from(v).map(|u| u as i32)).map_err(|e| bad(&e))
                })?)
            }
            ValType::I64 => {
                Val::I64(text.parse::<i128>().map_err(|e| bad(&e)).and_then(|v| {
                    i64::try_from(v).or_else(|_| u64::try_from(v).map(|u| u as i64)).map_err(|e| bad(&e))
                })?)
            }
            ValType::F32 => Val::F32(text.parse::<f32>().map_err(|e| bad(&e))?.to_bits()),
            ValType::F64 => Val::F64(text.parse::<f64>().map_err(|e| bad(&e))?.to_bits()),
        })
    }
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}:i32"),
            Val::I64(v) => write!(f, "{v}:i64"),
            Val::F32(b) => write!(f, "{}:f32", f32::from_bits(*b)),
            Val::F64(b) => write!(f, "{}:f64", f64::from_bits(*b)),
        }
    }
}

/// Exact fingerprint of a list of values: FNV-1a over each value's type tag and bits (what a
/// bring-your-own call's answer is checked against, call after call).
pub fn fingerprint(values: &[Val]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for v in values {
        let (tag, bits) = match *v {
            Val::I32(x) => (1u8, x as u32 as u64),
            Val::I64(x) => (2, x as u64),
            Val::F32(b) => (3, u64::from(b)),
            Val::F64(b) => (4, b),
        };
        for byte in std::iter::once(tag).chain(bits.to_le_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The two input sizes every Rust workload has: owned by the workloads' common crate (the
/// workload registry generates inputs per size), serialized here as `small` / `large`.
pub use wg_common::Size;

/// What became of a cell of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    /// Measured.
    Ok,
    /// It failed (the error says why).
    Failed,
    /// Not run: the time budget was used up first (schema 2).
    Skipped,
    /// Not run: the configuration lacks something the module needs, a proposal or a WASI
    /// feature (schema 6). Neither a failure nor a disagreement.
    Unsupported,
}

/// The lowercase hex sha256 of `bytes`: how every file, module and stream is named by content.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_and_print() {
        assert_eq!(Val::parse(ValType::I32, "-5").unwrap(), Val::I32(-5));
        assert_eq!(Val::parse(ValType::I32, "4294967295").unwrap(), Val::I32(-1));
        assert_eq!(Val::parse(ValType::F64, "1.5").unwrap(), Val::F64(1.5f64.to_bits()));
        assert!(Val::parse(ValType::I32, "x").is_err());
        assert_eq!(Val::I64(3).to_string(), "3:i64");
    }

    #[test]
    fn fingerprint_tells_types_apart() {
        assert_ne!(fingerprint(&[Val::I32(1)]), fingerprint(&[Val::I64(1)]));
        assert_ne!(fingerprint(&[]), fingerprint(&[Val::I32(0)]));
    }
}
