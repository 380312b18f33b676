//! The exit codes of `wasmgauge`: 0 success; 1 an error stopped the command (bad input, missing
//! corpus, I/O); 2 a usage error (clap); 3 the run completed but some cells failed or engines
//! disagreed. `gate` has its own: 0 no regression, 1 regression, 2 usage error or inputs that
//! cannot be compared.
use std::process::ExitCode;

/// The exit codes of every command but `gate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The command did what it was asked.
    Ok = 0,
    /// An error stopped it (bad input, a missing corpus, I/O).
    Error = 1,
    /// A usage error (clap's own exit code).
    Usage = 2,
    /// The run completed, but some cells failed or the engines disagreed.
    CellsFailed = 3,
}

/// The exit codes of `gate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateExit {
    /// No regression.
    Pass = 0,
    /// A regression (confirmed, where confirmation was asked for).
    Regression = 1,
    /// A usage error, or inputs that cannot be compared.
    CannotCompare = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

impl From<GateExit> for ExitCode {
    fn from(e: GateExit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// [`Exit::Ok`] when `ok`, else [`Exit::CellsFailed`].
pub fn completed(ok: bool) -> Exit {
    if ok { Exit::Ok } else { Exit::CellsFailed }
}
