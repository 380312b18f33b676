//! The tinywasm driver: one configuration ([`interp`]) over the glue in [`engine`], and its
//! conformance session ([`session`]). It has no WASI layer.

pub mod engine;
pub mod interp;
mod session;

use measure::driver::Driver;

measure::subject_tables! {
    "tinywasm" => interp,
}

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[("tinywasm", env!("WG_LOCKED_TINYWASM"))],
    rustc: env!("WG_RUSTC"),
};
