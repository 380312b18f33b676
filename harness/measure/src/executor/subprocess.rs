//! The `subprocess` baseline: the native workload in a child process (`wasmgauge-runner`),
//! one request/answer round trip over pipes per call. See `runner_protocol` for the frames.
use super::{Executor, SetupTimes, WorkloadCode};
use anyhow::{Context, Result, anyhow, bail};
use protocol::runner::{Op, read_reply, write_frame};
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Runs workloads in a `wasmgauge-runner` child, one pipe round trip per call.
#[derive(Default)]
pub struct SubprocessExecutor {
    child: Option<RunnerChild>,
}

/// A running `wasmgauge-runner` child, spoken to with request/answer frames.
pub struct RunnerChild {
    process: Child,
    to_child: BufWriter<ChildStdin>,
    from_child: BufReader<ChildStdout>,
}

/// Where the runner binary is: `$WASMGAUGE_RUNNER`, else beside the running executable (the
/// native driver and the runner are built together).
pub fn runner_path() -> Result<PathBuf> {
    sibling_binary("wasmgauge-runner", "WASMGAUGE_RUNNER")
}

/// Where one of wasmgauge's own binaries is: `$env_var`, else beside the running executable (or
/// one level up, for test binaries in `target/<profile>/deps`).
pub fn sibling_binary(name: &str, env_var: &str) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env_var) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    let dir = exe.parent().ok_or_else(|| anyhow!("executable has no parent directory"))?;
    for candidate in [dir.join(name), dir.join("..").join(name)] {
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!("cannot find the {name} binary next to {} (build it with `cargo build --release`)", exe.display())
}

impl RunnerChild {
    /// Starts a runner that dies with this process.
    pub fn spawn() -> Result<RunnerChild> {
        let mut cmd = Command::new(runner_path()?);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut process = cmd.spawn().context("spawning wasmgauge-runner")?;
        let to_child = BufWriter::new(process.stdin.take().expect("piped stdin"));
        let from_child = BufReader::new(process.stdout.take().expect("piped stdout"));
        Ok(RunnerChild { process, to_child, from_child })
    }

    /// The child's process id (to read its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// One round trip: a request frame out, its answer back.
    pub fn request(&mut self, op: Op, payload: &[u8]) -> Result<Vec<u8>> {
        write_frame(&mut self.to_child, op as u8, payload)?;
        self.to_child.flush()?;
        match read_reply(&mut self.from_child) {
            Ok(reply) => reply.map_err(|msg| anyhow!("runner: {msg}")),
            Err(e) => {
                let status = self.process.wait().ok();
                Err(anyhow!("runner process ended without answering ({e}); exit status: {status:?}"))
            }
        }
    }
}

impl Drop for RunnerChild {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl SubprocessExecutor {
    /// The runner child's process id, once prepared.
    pub fn child_pid(&self) -> Option<u32> {
        self.child.as_ref().map(RunnerChild::pid)
    }
}

impl Executor for SubprocessExecutor {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes> {
        self.child = None;
        let (child, spawn_ns) = crate::measurement::time(|| -> Result<RunnerChild> {
            let mut child = RunnerChild::spawn()?;
            child.request(Op::Load, code.name.as_bytes())?;
            Ok(child)
        });
        let mut child = child?;
        child.request(Op::Input, input)?;
        self.child = Some(child);
        Ok(SetupTimes { spawn_ns: Some(spawn_ns), ..SetupTimes::default() })
    }

    fn call(&mut self) -> Result<u64> {
        let Some(child) = self.child.as_mut() else { bail!("call before prepare") };
        let reply = child.request(Op::Run, &[])?;
        let bytes: [u8; 8] =
            reply.as_slice().try_into().map_err(|_| anyhow!("runner sent {} bytes, expected 8", reply.len()))?;
        Ok(u64::from_le_bytes(bytes))
    }
}
