//! The orchestrator's side of a WASI command run: fresh copies of the granted directories for
//! every run, what a finished run left behind ([`Observed`]: exit code, streams, every file
//! created, changed or deleted), and a native twin run as a process with the same arguments.
//! `run --module --wasi`, `corpus build` (the native twins' expected observations) and the
//! `wasi-programs` and `wasi-io` scenarios all observe runs this one way.
use anyhow::{Context, Result};
use results::manifest::sha256_hex;
use results::wasi_command::{FileChange, Observed, StreamDigest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

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
    pub guest: &'a str,
    pub copy: PathBuf,
    pub before: &'a Tree,
}

/// The files of one run: its directory copies and its stream files.
pub struct RunFiles<'a> {
    pub dirs: Vec<RunDir<'a>>,
    pub stdout: PathBuf,
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
    let t = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .with_context(|| format!("starting {}", program.display()))?;
    let ns = t.elapsed().as_nanos() as u64;
    let code = status.code().with_context(|| format!("{} was killed by a signal ({status})", program.display()))?;
    Ok((code, ns))
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
