//! The stitch driver (makepad-stitch): one configuration ([`interp`]) over the glue in
//! [`engine`]. It has no conformance session or WASI layer (the registry declares it
//! measure-only).

pub mod engine;
pub mod interp;

use measure::driver::Driver;

measure::subject_tables! {
    measure_only;
    "stitch" => interp,
}

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[("makepad-stitch", env!("WG_LOCKED_MAKEPAD_STITCH"))],
    rustc: env!("WG_RUSTC"),
};
