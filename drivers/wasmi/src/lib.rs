//! The wasmi driver's configurations: one adapter file each ([`eager`], [`lazy`]) over the
//! glue they share ([`engine`]), the conformance session ([`session`]) and the WASI
//! layer ([`wasi`]).

pub mod eager;
pub mod engine;
pub mod lazy;
mod session;
mod wasi;

use measure::driver::Driver;

measure::subject_tables! {
    "wasmi-eager" => eager,
    "wasmi-lazy" => lazy,
}

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[("wasmi", env!("WG_LOCKED_WASMI")), ("wasmi_wasi", env!("WG_LOCKED_WASMI_WASI"))],
    rustc: env!("WG_RUSTC"),
};
