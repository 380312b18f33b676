//! The Wasmer driver's configurations: one adapter file each ([`cranelift`], [`singlepass`]) over the
//! glue they share ([`engine`]), tunables capping memories and tables ([`tunables`]), the conformance session ([`session`]) and the WASI
//! layer ([`wasi`]).

pub mod cranelift;
pub mod engine;
mod session;
pub mod singlepass;
mod tunables;
mod wasi;

use measure::driver::Driver;

measure::subject_tables! {
    "wasmer-cranelift" => cranelift,
    "wasmer-singlepass" => singlepass,
}

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[("wasmer", env!("WG_LOCKED_WASMER")), ("wasmer-wasix", env!("WG_LOCKED_WASMER_WASIX"))],
    rustc: env!("WG_RUSTC"),
};
