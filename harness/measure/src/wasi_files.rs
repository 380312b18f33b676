//! The orchestrator's side of a WASI command run: fresh copies of the granted directories for
//! every run, what a finished run left behind ([`Observed`]: exit code, streams, every file
//! created, changed or deleted), and a native twin run as a process with the same arguments.
//! `run --module --wasi`, `corpus build` (the native twins' expected observations), the paired
//! gate's WASI sides and the `wasi-programs`, `wasi-io` and `cold-start` scenarios all prepare
//! ([`PreparedRuns`]) and observe runs this one way.
use anyhow::{Context, Result, bail};
use protocol::conform::{ConformJob, WasiCommandJob};
use protocol::wasi::{Preopen, Stdio as StreamFiles, WasiExit, WasiRequest, WasiRunOutcome};
use protocol::{ConformRequest, Request};
use results::Features;
use results::manifest::sha256_hex;
use results::wasi_command::{FileChange, Observed, StreamDigest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Every regular file under a directory: relative path -> (sha256, bytes).
pub type Tree = BTreeMap<String, (String, u64)>;

/// Every regular file under `root`, by path relative to it, with its sha256 and size.
pub fn digest_tree(root: &Path) -> Result<Tree> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                let bytes = std::fs::read(entry.path())?;
                let rel = entry.path().strip_prefix(root)?.to_string_lossy().into_owned();
                out.insert(rel, (sha256_hex(&bytes), bytes.len() as u64));
            }
        }
    }
    Ok(out)
}

/// Copies the tree `from` into `to` (created).
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).with_context(|| format!("copying {}", entry.path().display()))?;
            // A run's copy is its own: writable by its owner even where the original is not (the
            // WASI testsuite's and Sightglass's trees are read-only checkouts in places).
            use std::os::unix::fs::PermissionsExt;
            let mut permissions = std::fs::metadata(&target)?.permissions();
            permissions.set_mode(permissions.mode() | 0o200);
            std::fs::set_permissions(&target, permissions)?;
        }
    }
    Ok(())
}

/// Files created, changed or deleted in `after` relative to `before`, named by guest path.
pub fn changes(guest: &str, before: &Tree, after: &Tree) -> Vec<FileChange> {
    let name = |rel: &str| format!("{}/{rel}", guest.trim_end_matches('/'));
    let mut out: Vec<FileChange> = after
        .iter()
        .filter(|(rel, d)| before.get(*rel) != Some(d))
        .map(|(rel, (sha, bytes))| FileChange { path: name(rel), sha256: Some(sha.clone()), bytes: *bytes })
        .collect();
    out.extend(before.keys().filter(|rel| !after.contains_key(*rel)).map(|rel| FileChange {
        path: name(rel),
        sha256: None,
        bytes: 0,
    }));
    out.sort();
    out
}

/// A granted directory of one run: the guest's name for it, this run's fresh copy, and what
/// the original held (to tell what the run changed).
pub struct RunDir<'a> {
    /// The guest's name for it.
    pub guest: &'a str,
    /// This run's fresh copy.
    pub copy: PathBuf,
    /// What the original held.
    pub before: &'a Tree,
}

/// The files of one run: its directory copies and its stream files.
pub struct RunFiles<'a> {
    /// Its granted directories' copies.
    pub dirs: Vec<RunDir<'a>>,
    /// The file the run's stdout goes to.
    pub stdout: PathBuf,
    /// The file the run's stderr goes to.
    pub stderr: PathBuf,
}

/// The bytes of stdout kept as text for diffs.
const STDOUT_TEXT_BYTES: usize = 4 << 20;

impl RunFiles<'_> {
    /// What the finished run left behind, and its stdout as text (the first 4 MiB), for diffs.
    pub fn observe(&self, exit_code: i32) -> Result<(Observed, String)> {
        let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
        let mut files = Vec::new();
        for d in &self.dirs {
            files.extend(changes(d.guest, d.before, &digest_tree(&d.copy)?));
        }
        let stdout = read(&self.stdout)?;
        let text = String::from_utf8_lossy(&stdout[..stdout.len().min(STDOUT_TEXT_BYTES)]).into_owned();
        let observed = Observed {
            exit_code,
            stdout: StreamDigest::of(&stdout),
            stderr: StreamDigest::of(&read(&self.stderr)?),
            files,
        };
        Ok((observed, text))
    }
}

/// `args` with every `{dir}` replaced by `dir` (a guest path, or the host copy for a native twin).
pub fn with_dir(args: &[String], dir: &str) -> Vec<String> {
    args.iter().map(|a| a.replace("{dir}", dir)).collect()
}

/// Runs a native program with `args`, its stdout and stderr written to files and no stdin;
/// returns its exit code and the wall time from spawning it to its exit, in nanoseconds.
pub fn run_native(program: &Path, args: &[String], stdout: &Path, stderr: &Path) -> Result<(i32, u64)> {
    let out = std::fs::File::create(stdout).with_context(|| format!("creating {}", stdout.display()))?;
    let err = std::fs::File::create(stderr).with_context(|| format!("creating {}", stderr.display()))?;
    let (status, ns) = crate::measurement::time(|| {
        Command::new(program).args(args).stdin(Stdio::null()).stdout(out).stderr(err).status()
    });
    let status = status.with_context(|| format!("starting {}", program.display()))?;
    let code = status.code().with_context(|| format!("{} was killed by a signal ({status})", program.display()))?;
    Ok((code, ns))
}

/// A directory granted to every run of a command: each run gets a fresh copy of `from` (an
/// empty directory when `None`) under the guest name `guest`; `before` is what `from` holds, so
/// what a run created, changed or deleted can be told.
pub struct Grant<'a> {
    /// The directory copied for each run (an empty one when `None`).
    pub from: Option<&'a Path>,
    /// The guest's name for it.
    pub guest: &'a str,
    /// What `from` holds.
    pub before: &'a Tree,
}

/// What every run of one command shares: its program name (`argv[0]`), granted directories,
/// environment and stdin. In arguments, `{dir}` stands for the first granted directory.
pub struct RunTemplate<'a> {
    /// `argv[0]`.
    pub program_name: String,
    /// The directories granted.
    pub grants: Vec<Grant<'a>>,
    /// The guest's environment.
    pub env: Vec<(String, String)>,
    /// The file the guest reads as stdin.
    pub stdin: Option<PathBuf>,
}

impl<'a> RunTemplate<'a> {
    /// One directory (or an empty one) and nothing else: the corpus's WASI programs.
    pub fn one_dir(program_name: &str, from: Option<&'a Path>, guest: &'a str, before: &'a Tree) -> RunTemplate<'a> {
        RunTemplate {
            program_name: program_name.to_string(),
            grants: vec![Grant { from, guest, before }],
            env: Vec::new(),
            stdin: None,
        }
    }
}

/// One run's phases in nanoseconds (a native twin has only `run`: its whole process).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhasesNs {
    /// Compiling the module.
    pub compile: u64,
    /// Loading its artifact, where there is one.
    pub artifact_load: Option<u64>,
    /// A fresh WASI context and instance.
    pub instantiate: u64,
    /// `_start` to its exit (a native twin: its whole process).
    pub run: u64,
    /// The region between `bench.start` and `bench.end` (Sightglass's protocol), where the
    /// guest marked one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench: Option<u64>,
}

/// Runs of a command, ready to go: per run, fresh copies of the granted directories, stream
/// files, and the WASI request naming them.
pub struct PreparedRuns<'a> {
    /// Each run's files.
    pub files: Vec<RunFiles<'a>>,
    /// Each run's request to the driver.
    pub requests: Vec<WasiRequest>,
    /// The arguments of each run, `{dir}` still in them.
    pub args: Vec<Vec<String>>,
}

impl<'a> PreparedRuns<'a> {
    /// Prepares one run per entry of `args` under `base` (run `i` in `base/run-i`).
    pub fn new(base: &Path, template: &RunTemplate<'a>, args: Vec<Vec<String>>) -> Result<PreparedRuns<'a>> {
        let mut files = Vec::new();
        let mut requests = Vec::new();
        let first_guest = template.grants.first().map(|g| g.guest).unwrap_or("");
        for (i, a) in args.iter().enumerate() {
            let at = base.join(format!("run-{i}"));
            std::fs::create_dir_all(&at).with_context(|| format!("creating {}", at.display()))?;
            let mut dirs = Vec::new();
            let mut preopens = Vec::new();
            for (k, g) in template.grants.iter().enumerate() {
                let copy = at.join(format!("dir-{k}"));
                match g.from {
                    Some(d) => copy_tree(d, &copy).with_context(|| format!("copying {}", d.display()))?,
                    None => std::fs::create_dir_all(&copy).with_context(|| format!("creating {}", copy.display()))?,
                }
                preopens.push(Preopen { host: copy.clone(), guest: g.guest.to_string(), read_only: false });
                dirs.push(RunDir { guest: g.guest, copy, before: g.before });
            }
            let f = RunFiles { dirs, stdout: at.join("stdout"), stderr: at.join("stderr") };
            let mut argv = vec![template.program_name.clone()];
            argv.extend(with_dir(a, first_guest));
            requests.push(WasiRequest {
                args: argv,
                env: template.env.clone(),
                preopens,
                stdio: Some(StreamFiles {
                    stdin: template.stdin.clone(),
                    stdout: f.stdout.clone(),
                    stderr: f.stderr.clone(),
                }),
            });
            files.push(f);
        }
        Ok(PreparedRuns { files, requests, args })
    }

    /// Runs them on the native twin `program` (`{dir}`: the first directory's copy): each run's
    /// observation and wall time, spawn to exit.
    pub fn run_native(&self, program: &Path) -> Result<Vec<(Observed, Option<PhasesNs>)>> {
        let mut out = Vec::new();
        for (f, a) in self.files.iter().zip(&self.args) {
            let dir = f.dirs.first().map(|d| d.copy.to_string_lossy().into_owned()).unwrap_or_default();
            let (code, ns) = run_native(program, &with_dir(a, &dir), &f.stdout, &f.stderr)?;
            out.push((f.observe(code)?.0, Some(PhasesNs { run: ns, ..Default::default() })));
        }
        Ok(out)
    }

    /// The driver request that runs them all on `subject` (compiled once, or once per run): a
    /// command module through its WASI layer, or (`component`) a `wasi:cli/run` command
    /// component through its component host.
    pub fn request(
        &self,
        subject: &str,
        wasm: &Path,
        features: &Features,
        compile_once: bool,
        component: bool,
    ) -> Request {
        let job = ConformJob::WasiCommand(WasiCommandJob {
            wasm: wasm.to_path_buf(),
            features: features.clone(),
            runs: self.requests.clone(),
            compile_once,
            component,
        });
        Request::Conform(ConformRequest { subject: subject.into(), job })
    }

    /// A driver's answer to [`PreparedRuns::request`]: each run's observation and phases; an
    /// error for a run that did not exit (unsupported, trapped, failed).
    pub fn settle(&self, answer: serde_json::Value) -> Result<Vec<(Observed, Option<PhasesNs>)>> {
        let outcomes: Vec<WasiRunOutcome> = serde_json::from_value(answer).context("the driver's answer")?;
        if outcomes.len() != self.files.len() {
            bail!("{} answers for {} runs", outcomes.len(), self.files.len());
        }
        let mut out = Vec::new();
        for (i, (o, f)) in outcomes.iter().zip(&self.files).enumerate() {
            let code = match &o.exit {
                WasiExit::Code(c) => *c,
                WasiExit::Unsupported(m) => bail!("unsupported: {m}"),
                WasiExit::Error(m) => bail!("run {}: {m}", i + 1),
            };
            let phases = o.phases.as_ref().map(|p| PhasesNs {
                compile: p.compile_ns,
                artifact_load: p.artifact_load_ns,
                instantiate: p.instantiate_ns,
                run: p.run_ns,
                bench: p.bench_ns,
            });
            out.push((f.observe(code)?.0, phases));
        }
        Ok(out)
    }

    /// Runs them in one process of `subject`'s driver, compiling once.
    pub fn run_wasm(
        &self,
        orch: &dyn crate::scenario::Orchestrator,
        subject: &str,
        wasm: &Path,
        features: &Features,
        timeout: Duration,
    ) -> Result<Vec<(Observed, Option<PhasesNs>)>> {
        self.settle(orch.call(subject, &self.request(subject, wasm, features, true, false), timeout)?)
    }

    /// [`PreparedRuns::run_wasm`] with the driver started under `wrapper` (e.g. Valgrind).
    pub fn run_wasm_under(
        &self,
        orch: &dyn crate::scenario::Orchestrator,
        subject: &str,
        wasm: &Path,
        features: &Features,
        wrapper: &[String],
        timeout: Duration,
    ) -> Result<Vec<(Observed, Option<PhasesNs>)>> {
        let request = self.request(subject, wasm, features, true, false);
        self.settle(orch.call_wrapped(subject, wrapper, &request, timeout)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_created_changed_and_deleted_files_by_guest_path() {
        let before: Tree = [("a".to_string(), ("1".to_string(), 1)), ("b".to_string(), ("2".to_string(), 2))].into();
        let after: Tree = [("a".to_string(), ("9".to_string(), 3)), ("c".to_string(), ("3".to_string(), 4))].into();
        let got = changes("/data/", &before, &after);
        let paths: Vec<(&str, bool)> = got.iter().map(|c| (c.path.as_str(), c.sha256.is_some())).collect();
        assert_eq!(paths, vec![("/data/a", true), ("/data/b", false), ("/data/c", true)]);
    }

    #[test]
    fn a_native_run_is_observed_like_a_guest_run() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let before = digest_tree(&data).unwrap();
        let files = RunFiles {
            dirs: vec![RunDir { guest: "/data", copy: data.clone(), before: &before }],
            stdout: dir.path().join("out"),
            stderr: dir.path().join("err"),
        };
        let args = with_dir(&["-c".into(), "echo hi; echo x > {dir}/f.txt; exit 3".into()], &data.to_string_lossy());
        let (code, ns) = run_native(Path::new("/bin/sh"), &args, &files.stdout, &files.stderr).unwrap();
        assert_eq!(code, 3);
        assert!(ns > 0);
        let (o, text) = files.observe(code).unwrap();
        assert_eq!((o.exit_code, text.as_str(), o.stdout.bytes), (3, "hi\n", 3));
        assert_eq!(o.files.len(), 1);
        assert_eq!(o.files[0].path, "/data/f.txt");
    }
}
