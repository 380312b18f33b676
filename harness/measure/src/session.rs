//! The conformance side of the engine interface: a [`Session`] is one store of one engine
//! configuration in which arbitrary modules are compiled, linked against the spec testsuite's
//! `spectest` host module and against instances registered under a name, instantiated and
//! invoked with any value the testsuite passes (numbers, `v128`, references).
//!
//! The benchmark interface ([`super::Engine::instantiate`]) binds only the harness's own host
//! function and speaks numbers; conformance needs linking by name, globals, tables and
//! references, so it gets this second, still narrow, interface. Every failure comes back as a
//! [`Failure`] with the phase it happened in ([`FailureClass`]), so the spec runner and the
//! sandbox checks can compare *what kind* of failure a runtime reported, not only its text.
//!
//! Each runtime implements it once, in its driver's `session.rs`; its configurations share it.

pub use protocol::conform::SessionLimits;
use serde::{Deserialize, Serialize};

/// A value crossing the boundary in conformance tests. Floats are raw bits (NaN payloads and
/// signs are compared exactly); `v128` is its 16 bytes little-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as its bits.
    F32(u32),
    /// A 64-bit float, as its bits.
    F64(u64),
    /// A 128-bit vector, little-endian.
    V128(u128),
    /// A reference: null or not, what kind, and for host (extern) references the `u32` the
    /// test script stored in it.
    Ref(RefValue),
}

/// What a reference value is, as far as a test can tell from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefValue {
    /// A null reference of any type.
    Null,
    /// A non-null function reference.
    Func,
    /// A non-null external reference made by the host, carrying the host's number (if the
    /// runtime let the harness read it back).
    Extern(Option<u32>),
    /// A non-null `anyref` made from a host value (the testsuite's `ref.host N`).
    Host(Option<u32>),
    /// A non-null GC reference: `i31`, `struct`, `array`, or another `any`/`eq` value.
    I31,
    /// A non-null struct reference.
    Struct,
    /// A non-null array reference.
    Array,
    /// A non-null `any` or `eq` reference of no narrower kind.
    Any,
    /// A non-null exception reference.
    Exn,
}

/// Where a failure happened: the classes the testsuite's assertions distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum FailureClass {
    /// The module was rejected when compiled (a decoding or a validation error: runtimes
    /// report both from one call, so they share a class).
    Compile,
    /// Imports could not be resolved or did not match.
    Link,
    /// A trap while running (in the start function or an invoked export).
    Trap,
    /// Stack (or other resource) exhaustion while running.
    Exhaustion,
    /// A WebAssembly exception escaped the invoked function.
    Exception,
    /// An instruction-count (fuel/metering) limit or an interruption deadline stopped it.
    Interrupted,
    /// A host resource limit refused a request (memory or table over its cap).
    Limit,
    /// The runtime said it does not support something (a proposal, a value type, a directive).
    Unsupported,
    /// The harness could not carry a value or request through this runtime's API.
    Harness,
}

/// A failure reported by a runtime, with its class and its message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The phase it happened in.
    pub class: FailureClass,
    /// The runtime's message.
    pub message: String,
}

impl Failure {
    /// A failure of `class` with `message`.
    pub fn new(class: FailureClass, message: impl Into<String>) -> Failure {
        Failure { class, message: message.into() }
    }

    /// The harness could not carry a request through the runtime's API.
    pub fn harness(e: impl std::fmt::Display) -> Failure {
        Failure::new(FailureClass::Harness, e.to_string())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.class, self.message)
    }
}

/// A module compiled in a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleId(pub usize);
/// An instance living in a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceId(pub usize);

/// How a runtime enforces each limit of a session, for [`Session::limits_in_force`].
pub struct Enforcement<'a> {
    /// The runtime's stack limit (always in force).
    pub stack: &'a str,
    /// What caps memories and tables (e.g. `StoreLimits`).
    pub caps: &'a str,
    /// What counts instructions, when the engine was built with it, as the words before the
    /// budget and its unit: `("", "units")` for fuel, `("metering middleware, ", "points")`.
    pub counting: Option<(&'a str, &'a str)>,
    /// What enforces the deadline, when the engine was built with it.
    pub deadline: Option<&'a str>,
}

/// The limits of `limits` in force, as `(limit, how)` rows: the shared body of every runtime's
/// [`Session::limits_in_force`].
pub fn limits_in_force(limits: &SessionLimits, how: Enforcement<'_>) -> Vec<(String, String)> {
    let mut out = vec![("stack".to_string(), how.stack.to_string())];
    if let Some(b) = limits.max_memory_bytes {
        out.push(("memory".into(), format!("{}: {b} bytes per memory", how.caps)));
    }
    if let Some(n) = limits.max_table_elements {
        out.push(("table".into(), format!("{}: {n} elements per table", how.caps)));
    }
    if let Some((what, unit)) = how.counting {
        out.push(("fuel".into(), format!("{what}{} {unit}", limits.fuel.unwrap_or(u64::MAX))));
    }
    if let (Some(via), Some(d)) = (how.deadline, limits.deadline) {
        out.push(("deadline".into(), format!("{via}, {} ms", d.as_millis())));
    }
    out
}

/// The `spectest` host module every session provides: the testsuite's print functions, four
/// globals (666 and 666.6), a table of 10..20 funcrefs, a memory of 1..2 pages and a shared one.
pub mod spectest {
    /// The host module's name.
    pub const MODULE: &str = "spectest";
    /// `spectest.global_i32`.
    pub const GLOBAL_I32: i32 = 666;
    /// `spectest.global_i64`.
    pub const GLOBAL_I64: i64 = 666;
    /// `spectest.global_f32`.
    pub const GLOBAL_F32: f32 = 666.6;
    /// `spectest.global_f64`.
    pub const GLOBAL_F64: f64 = 666.6;
    /// The table's minimum size.
    pub const TABLE_MIN: u32 = 10;
    /// The table's maximum size.
    pub const TABLE_MAX: u32 = 20;
    /// The memory's minimum pages.
    pub const MEMORY_MIN_PAGES: u32 = 1;
    /// The memory's maximum pages.
    pub const MEMORY_MAX_PAGES: u32 = 2;
    /// The print functions, by name, with their parameter types (`i`=i32, `I`=i64, `f`=f32,
    /// `F`=f64). They return nothing and print nothing (their output is not tested).
    pub const PRINTS: &[(&str, &str)] = &[
        ("print", ""),
        ("print_i32", "i"),
        ("print_i64", "I"),
        ("print_f32", "f"),
        ("print_f64", "F"),
        ("print_i32_f32", "if"),
        ("print_f64_f64", "FF"),
    ];
}

/// One store of one engine configuration, for conformance work.
pub trait Session {
    /// Decodes, validates and compiles a binary module.
    fn compile(&mut self, wasm: &[u8]) -> Result<ModuleId, Failure>;
    /// Links a compiled module's imports (against `spectest` and registered instances) and
    /// instantiates it, running its start function.
    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure>;
    /// Makes an instance's exports importable under `name`.
    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), Failure>;
    /// Calls an exported function.
    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure>;
    /// Reads an exported global.
    fn global(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure>;
    /// Size in bytes of an exported memory (for the sandbox checks).
    fn memory_size(&mut self, instance: InstanceId, export: &str) -> Result<u64, Failure>;
    /// Reads bytes of an exported memory (for the sandbox checks and the differential hash).
    fn read_memory(&mut self, instance: InstanceId, export: &str, offset: u64, len: usize) -> Result<Vec<u8>, Failure>;
    /// Which of the requested limits this runtime enforces itself, with how (for the record).
    fn limits_in_force(&self) -> Vec<(String, String)>;
}

/// Builds a failure from a runtime error message, classifying it by the phase it came from
/// unless the message shows it was an unsupported feature.
pub fn classify_compile(message: String) -> Failure {
    let lower = message.to_ascii_lowercase();
    // A configured capacity (Wasmtime's pooling allocator: tables per instance, table size)
    // refusing a module is the configuration lacking room for it, not a wrong answer.
    let unsupported = ["not supported", "unsupported", "not yet implemented", "not implemented", "unimplemented", "pooling allocator"]
        .iter()
        .any(|m| lower.contains(m))
        // A validator says "... support is not enabled" for a proposal switched off: that is
        // the module being invalid under the profile, not the runtime lacking the feature.
        && !lower.contains("is not enabled");
    Failure::new(if unsupported { FailureClass::Unsupported } else { FailureClass::Compile }, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_errors_are_classified_by_message() {
        assert_eq!(classify_compile("type mismatch".into()).class, FailureClass::Compile);
        assert_eq!(
            classify_compile("Winch does not support GC (not supported)".into()).class,
            FailureClass::Unsupported
        );
        assert_eq!(
            classify_compile("SIMD support is not enabled (unsupported? no)".into()).class,
            FailureClass::Compile
        );
    }
}
