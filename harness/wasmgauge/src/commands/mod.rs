//! What each command does, one module per command family: [`corpus`] (`corpus build|list|input`),
//! [`engines`] (`engines`, `drivers`), [`run`] (`run`, with `--module`), [`report`] (`report`,
//! `history`, `coverage`), [`gate`] (`gate`, `calibrate`, `merge`) and [`conform`]. The
//! arguments are [`crate::args`]'; what is printed, [`crate::print`]'s.
//!
//! Each returns its exit code ([`crate::exit`]).
pub mod conform;
pub mod corpus;
pub mod engines;
pub mod gate;
pub mod report;
pub mod run;

use crate::args::{Cli, Command};
use crate::exit::Exit;
use crate::subjects::Subjects;
use anyhow::Result;
use clap::Parser;
use std::process::ExitCode;

/// The `wasmgauge` executable.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            Exit::Error.into()
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let subjects = Subjects::default();
    let exit = match cli.command {
        Command::Engines { json } => engines::engines(&subjects, json)?,
        Command::Drivers { engines } => engines::drivers(&engines)?,
        Command::Corpus(c) => corpus::main(c)?,
        Command::Run(args) => run::main(args, &subjects)?,
        Command::Conform(c) => {
            let path = conform::main(c, &subjects)?;
            println!("results: {}", path.display());
            Exit::Ok
        }
        Command::Gate(args) => return Ok(gate::gate(args, &subjects).into()),
        Command::Calibrate(args) => gate::calibrate(args, &subjects)?,
        Command::Merge { inputs, out } => gate::merge(&inputs, &out)?,
        Command::Report { results, out, format } => report::report(&results, out, &format)?,
        Command::Coverage { results } => report::coverage(&results)?,
        Command::History { results, out, config, alpha } => report::history(&results, &out, config.as_ref(), alpha)?,
    };
    Ok(exit.into())
}
