//! Timing fresh processes from the orchestrator (or from the native driver, for the
//! subprocess baseline's process-per-request): spawn a command, wait for its exit, read and
//! verify its one-line answer. The process cold start of `cold-start`, and the request of
//! `density` and `concurrency` for the subprocess baseline.
use crate::measurement::Laps;
use anyhow::{Context, Result, anyhow, bail};
use results::manifest::checksum_hex;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// Times `samples` fresh processes of `command`, each until it exits and its printed answer is
/// verified against `expected_hex`.
pub fn time_processes(command: &[String], expected_hex: &str, samples: usize, timeout: Duration) -> Result<Vec<u64>> {
    let (program, args) = command.split_first().ok_or_else(|| anyhow!("empty command"))?;
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        let laps = Laps::start();
        let mut cmd = Command::new(program);
        // No pre_exec hook here: it would force fork+exec of this whole process instead of
        // posix_spawn, adding the parent's page-table copy to every sample.
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().with_context(|| format!("spawning {program}"))?;
        // The answer is one short line, which fits the pipe buffer: wait first, then read it.
        let Some(status) = child.wait_timeout(timeout)? else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("process did not finish within {} s", timeout.as_secs());
        };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().expect("piped"), &mut text)?;
        let elapsed = laps.total();
        if !status.success() {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("piped"), &mut err);
            bail!("process failed ({status}): {}", err.trim());
        }
        if text.trim() != expected_hex {
            bail!("wrong answer: got {}, the native answer is {expected_hex}", text.trim());
        }
        out.push(elapsed);
    }
    Ok(out)
}

/// One request served by a fresh `wasmgauge-runner --once WORKLOAD small` process: exec,
/// compute, print the answer, exit; the answer is verified (the subprocess baseline's
/// process-per-request, for density and concurrency; runs in the native driver).
pub fn fresh_runner_request(workload: &str, expected: u64) -> Result<impl Fn() -> Result<()> + Sync> {
    let command = runner_once_command(&crate::executor::subprocess::runner_path()?, workload);
    let expected_hex = checksum_hex(expected);
    Ok(move || time_processes(&command, &expected_hex, 1, Duration::from_secs(30)).map(|_| ()))
}

/// The command line of a runner process computing one answer for a workload's small input.
pub fn runner_once_command(runner: &Path, workload: &str) -> Vec<String> {
    vec![runner.display().to_string(), "--once".into(), workload.into(), "small".into()]
}
