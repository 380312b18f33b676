//! The in-driver halves of `wasmgauge conform`: a spec test file judged directive by directive
//! ([`spec`]), a hostile guest judged for containment ([`sandbox`]), the WASI capability checks
//! ([`wasi`]) a configuration's answers for random modules ([`differential`]) and the feature probes
//! ([`probes`]). The
//! orchestration (which files, cases and modules; tables; the results section) is the `conform`
//! crate's.

pub mod differential;
pub mod probes;
pub mod sandbox;
pub mod spec;
pub mod wasi;
