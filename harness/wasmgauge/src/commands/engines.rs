//! `wasmgauge engines` (the subject registry with every knob) and `wasmgauge drivers` (the
//! driver folders that build some engines, for the build scripts).
use crate::exit::Exit;
use crate::subjects::Subjects;
use anyhow::Result;

/// `engines [--json]`.
pub fn engines(subjects: &Subjects, json: bool) -> Result<Exit> {
    crate::print::engines(subjects, json)?;
    Ok(Exit::Ok)
}

/// `drivers [--engines ...]`.
pub fn drivers(engines: &[String]) -> Result<Exit> {
    println!("{}", crate::subjects::drivers_for(engines)?.join(" "));
    Ok(Exit::Ok)
}
