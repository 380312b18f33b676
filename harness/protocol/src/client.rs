//! Launching a driver for one request: its own process group (a timeout kills the driver and
//! everything it started, such as the subprocess baseline's runner), the request on stdin, the
//! reply read from stdout, the outcome classed as done, failed, crashed or timed out.
use crate::{Envelope, Reply, Request, parse_reply};
use serde::de::DeserializeOwned;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// Why a request produced no output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The driver answered with a failure (a wrong answer, a runtime error, a refused option).
    Failed(String),
    /// The driver died without answering (a signal, an abort, an exit without a reply).
    Crashed(String),
    /// The driver outlived its time limit and was killed with its whole process group.
    TimedOut(Duration),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Failed(m) => write!(f, "{m}"),
            CallError::Crashed(m) => write!(f, "driver crashed ({m})"),
            CallError::TimedOut(t) => write!(f, "timed out after {} s; driver killed", t.as_secs_f64()),
        }
    }
}

impl std::error::Error for CallError {}

/// What runs a request on the driver of a subject: the orchestrator's subject registry knows
/// which driver executable that is. Conformance and the paired gate take one of these, so they
/// never need to know where drivers live.
pub trait Launcher: Sync {
    /// Sends `request` to a fresh process of `subject`'s driver and returns its answer.
    fn call(&self, subject: &str, request: &Request, timeout: Duration) -> Result<serde_json::Value, CallError>;
}

/// Decodes a driver's output as `T`.
pub fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, CallError> {
    serde_json::from_value(value).map_err(|e| CallError::Failed(format!("the driver sent an unreadable output: {e}")))
}

/// Runs `request` on the driver executable `exe` in a fresh process, killing it (and its
/// process group) after `timeout`.
pub fn call(exe: &Path, request: &Request, timeout: Duration) -> Result<serde_json::Value, CallError> {
    call_command(Command::new(exe), exe, request, timeout)
}

/// [`call`] with the driver started by a wrapper program: `wrapper[0] wrapper[1..] exe` (e.g.
/// Valgrind with its options). The wrapper must pass stdin and stdout through.
pub fn call_wrapped(
    wrapper: &[String],
    exe: &Path,
    request: &Request,
    timeout: Duration,
) -> Result<serde_json::Value, CallError> {
    let (program, args) = wrapper.split_first().ok_or_else(|| CallError::Failed("an empty wrapper command".into()))?;
    let mut cmd = Command::new(program);
    cmd.args(args).arg(exe);
    call_command(cmd, exe, request, timeout)
}

fn call_command(
    mut cmd: Command,
    exe: &Path,
    request: &Request,
    timeout: Duration,
) -> Result<serde_json::Value, CallError> {
    let text = serde_json::to_string(&Envelope::new(request)).map_err(|e| CallError::Failed(e.to_string()))?;
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Its own process group, so a timeout kills the driver and everything it started at once;
    // otherwise a surviving grandchild would keep the pipes open.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child =
        cmd.spawn().map_err(|e| CallError::Failed(format!("cannot start the driver {}: {e}", exe.display())))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(format!("{text}\n").as_bytes()));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => Some(status),
        Ok(None) | Err(_) => {
            // SAFETY: kill(2) on the driver's own process group (its pid, see process_group(0)).
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            None
        }
    };
    let _ = writer.join();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let Some(status) = status else { return Err(CallError::TimedOut(timeout)) };
    match parse_reply(&out) {
        Some(Ok(Reply::Ok(value))) => Ok(value),
        Some(Ok(Reply::Failed(message))) => Err(CallError::Failed(message)),
        Some(Err(e)) => Err(CallError::Failed(format!("the driver sent an unreadable reply: {e:#}"))),
        None => {
            let detail = tail(&err, 4);
            Err(CallError::Crashed(format!(
                "{}{}",
                describe_exit(status),
                if detail.is_empty() { String::new() } else { format!(": {detail}") }
            )))
        }
    }
}

/// How a process ended, in words (`killed by signal 11 (SIGSEGV)`, `exit status 3`).
pub fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(sig)) => {
            let name = match sig {
                4 => " (SIGILL)",
                6 => " (SIGABRT)",
                7 => " (SIGBUS)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            format!("killed by signal {sig}{name}")
        }
        (Some(code), _) => format!("exit status {code}"),
        _ => "unknown exit".into(),
    }
}

/// The last `lines` non-empty lines of a text, joined.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join(" | ")
}

/// Makes this process die when its parent does (Linux `PR_SET_PDEATHSIG`), so no driver or
/// runner outlives the process that started it, even when that one is killed. Called by each
/// child at startup rather than in a `pre_exec` hook, which would force fork+exec of the whole
/// parent instead of `posix_spawn` and slow every spawn (visible in process cold start).
pub fn die_with_parent() {
    // SAFETY: prctl and getppid only touch this process.
    unsafe {
        let parent = libc::getppid();
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            // The parent died before the request took effect.
            libc::_exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_without_a_reply_is_a_crash_and_a_slow_one_times_out() {
        let err = call(Path::new("/bin/true"), &Request::Describe, Duration::from_secs(10)).unwrap_err();
        assert!(matches!(&err, CallError::Crashed(m) if m.contains("exit status 0")), "{err}");
        let err = call(Path::new("/bin/sleep"), &Request::Describe, Duration::from_millis(300));
        // `sleep` without an argument exits at once with a usage error: still no reply.
        assert!(err.is_err());
        let missing = call(Path::new("/nonexistent/driver"), &Request::Describe, Duration::from_secs(1)).unwrap_err();
        assert!(missing.to_string().contains("cannot start the driver"), "{missing}");
    }
}
