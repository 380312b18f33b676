//! The stitch driver (makepad-stitch): one configuration ([`interp`]) over the glue in
//! [`engine`]. It has no conformance session or WASI layer (the registry declares it
//! measure-only).

pub mod engine;
pub mod interp;

measure::driver! {
    measure_only;
    "stitch" => interp,
}
