//! The Extism driver: one configuration ([`kit`]) over the glue in [`engine`]. Extism is a
//! plugin kit: it calls a plugin's functions with bytes in and bytes out, not a core module's
//! exports with values, so it takes part in `plugin-calls` only (the registry declares it so)
//! and has no conformance session.

pub mod engine;
pub mod kit;

measure::driver! {
    measure_only;
    "extism" => kit,
}
