//! Every scenario id, by name: the typed sections' own ids (each defined by its section) and
//! the ids of the registered scenarios that readers ask for by name (defined by
//! [`crate::sections::generic`]). Nothing is defined here: it only names them in one place.
pub use crate::sections::call_overhead::ID as CALL_OVERHEAD;
pub use crate::sections::cold_start::{ID as COLD_START, PROCESS_ID as PROCESS_START};
pub use crate::sections::component_calls::ID as COMPONENT_CALLS;
pub use crate::sections::component_invoke::ID as COMPONENT_INVOKE;
pub use crate::sections::concurrency::ID as CONCURRENCY;
pub use crate::sections::density::ID as DENSITY;
pub use crate::sections::export_call::ID as EXPORT_CALL;
pub use crate::sections::generic::{
    ENGINE_CREATE, INSTRUCTIONS, SUITE, SUITE_BENCH_INSTRUCTIONS, WASI_IO, WASI_PROGRAMS,
};
pub use crate::sections::latency::ID as LATENCY;
pub use crate::sections::memory::ID as MEMORY;
pub use crate::sections::plugin_calls::ID as PLUGIN_CALLS;
pub use crate::sections::sandbox_tax::ID as SANDBOX_TAX;
pub use crate::sections::throughput::ID as THROUGHPUT;
pub use crate::sections::wasi_command::ID as WASI_COMMAND;
