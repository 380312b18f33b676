//! The WASI capability checks both sides of `conform wasi` name: the orchestrator lists them
//! (a driver that fails still gets one failed cell per check), the driver runs them against a
//! fresh directory tree each (`root`) and checks the host filesystem afterwards.
use std::path::Path;

/// The text of the granted file the probe reads.
pub const GRANTED_TEXT: &str = "hello wasmgauge";
/// The text of the file outside the grant (it must stay untouched).
pub const OUTSIDE_TEXT: &str = "outside: do not touch";
/// The text of the file in the read-only grant.
pub const RO_TEXT: &str = "read only";

/// What a check expects of the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Exit code 0 (and, for writes, the file written with the text).
    Granted,
    /// Exit code 1: the WASI layer refused.
    Denied,
    /// This exit code.
    Exit(i32),
}

/// One WASI capability check.
pub struct Check {
    /// Its name.
    pub name: &'static str,
    /// The probe's arguments.
    pub args: Vec<String>,
    /// What must happen.
    pub want: Want,
    /// Whether its grant is read-only.
    pub read_only_preopen: bool,
    /// A file (relative to the root) that must hold this text afterwards.
    pub written: Option<(&'static str, &'static str)>,
}

/// Every check, on the directories under `root`.
pub fn checks(root: &Path) -> Vec<Check> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let outside_abs = root.join("outside.txt").display().to_string();
    let c = |name, args: Vec<String>, want| Check { name, args, want, read_only_preopen: false, written: None };
    vec![
        c("read granted file", s(&["read", "/sandbox/granted.txt", GRANTED_TEXT]), Want::Granted),
        Check {
            written: Some(("sandbox/new.txt", "written")),
            ..c("write granted file", s(&["write", "/sandbox/new.txt", "written"]), Want::Granted)
        },
        Check {
            read_only_preopen: true,
            ..c("read in read-only preopen", s(&["read", "/ro/ro.txt", RO_TEXT]), Want::Granted)
        },
        Check {
            read_only_preopen: true,
            ..c("write into read-only preopen", s(&["write", "/ro/new.txt", "x"]), Want::Denied)
        },
        c("escape with ../ (read)", s(&["read", "/sandbox/../outside.txt", OUTSIDE_TEXT]), Want::Denied),
        c("escape with ../ (write)", s(&["write", "/sandbox/../outside.txt", "pwned"]), Want::Denied),
        c("escape with an absolute host path", vec!["read".into(), outside_abs, OUTSIDE_TEXT.into()], Want::Denied),
        c("escape through a planted symlink (read)", s(&["read", "/sandbox/link_out", OUTSIDE_TEXT]), Want::Denied),
        c("escape through a planted symlink (write)", s(&["write", "/sandbox/link_out", "pwned"]), Want::Denied),
        c(
            "escape through a directory symlink with a trailing slash",
            s(&["create-in", "/sandbox/linkdir/"]),
            Want::Denied,
        ),
        c("args", s(&["args", "alpha", "beta gamma"]), Want::Granted),
        c("env", s(&["env", "WG_PROBE", "forty two"]), Want::Granted),
        c("clocks (wall after 2020, monotonic)", s(&["clock"]), Want::Granted),
        c("random (two draws differ)", s(&["random"]), Want::Granted),
        c("exit code", s(&["exit", "7"]), Want::Exit(7)),
    ]
}

/// What the check expects, in words.
pub fn describe(c: &Check) -> String {
    match (c.want, c.written) {
        (Want::Granted, Some((f, t))) => format!("exit 0; {f} holds \"{t}\""),
        (Want::Granted, None) => "exit 0".into(),
        (Want::Denied, _) => "denied (exit 1), nothing outside touched".into(),
        (Want::Exit(n), _) => format!("exit {n}"),
    }
}
