//! Benchmark suites in Sightglass's layout (`run --suite PATH`): which benchmarks a path names
//! and what each must print.
//!
//! A benchmark is a WASI preview 1 command that may import `bench.start` and `bench.end`
//! ([`crate::wasi::BenchRegion`]); it runs with its own directory preopened as the working
//! directory (`.`), and its stdout and stderr must equal `<name>.stdout.expected` and
//! `<name>.stderr.expected` beside it where those files exist (`<name>`: the file name without
//! `.wasm`). PATH is a Sightglass `.suite` file (one path per line, relative to the file, `#`
//! starts a comment), a directory (every `.wasm` under it), or one `.wasm`.
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One benchmark of a suite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteBenchmark {
    /// Its name: the folder of a `benchmark.wasm` (Sightglass's layout, e.g. `bz2`), else the
    /// file name without `.wasm`.
    pub name: String,
    /// The module.
    pub wasm: PathBuf,
    /// Its directory, preopened as the guest's working directory (a fresh copy per run).
    pub dir: PathBuf,
    /// What its stdout must be, where the suite says.
    pub stdout_expected: Option<PathBuf>,
    /// What its stderr must be, where the suite says.
    pub stderr_expected: Option<PathBuf>,
    /// Why no configuration here can run it (a component, an import other than WASI preview 1
    /// and `bench`), as the orchestrator found when it checked the module: its cells are
    /// unsupported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl SuiteBenchmark {
    fn of(wasm: &Path) -> Result<SuiteBenchmark> {
        if !wasm.is_file() {
            bail!("{}: no such benchmark module", wasm.display());
        }
        if wasm.extension().is_none_or(|e| e != "wasm") {
            bail!("{}: a benchmark is a .wasm binary", wasm.display());
        }
        let wasm = std::path::absolute(wasm)?;
        let dir = wasm.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
        let stem = wasm.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let name = match dir.file_name() {
            Some(folder) if stem == "benchmark" => folder.to_string_lossy().into_owned(),
            _ => stem.clone(),
        };
        let sibling = |ext: &str| Some(dir.join(format!("{stem}.{ext}"))).filter(|p| p.is_file());
        Ok(SuiteBenchmark {
            name,
            stdout_expected: sibling("stdout.expected"),
            stderr_expected: sibling("stderr.expected"),
            wasm,
            dir,
            refused: None,
        })
    }
}

/// The benchmarks `path` names, in its order (a directory's: sorted by path). Names must be
/// unique: they are the cells' workloads.
pub fn load(path: &Path) -> Result<Vec<SuiteBenchmark>> {
    let modules = if path.is_dir() {
        let found = wasm_files_under(path)?;
        if found.is_empty() {
            bail!("{}: no .wasm file in this directory", path.display());
        }
        found
    } else if path.extension().is_some_and(|e| e == "wasm") {
        vec![path.to_path_buf()]
    } else {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading the suite file {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let listed: Vec<PathBuf> = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .map(|l| base.join(l))
            .collect();
        if listed.is_empty() {
            bail!("{}: the suite file lists no benchmark", path.display());
        }
        listed
    };
    let mut out: Vec<SuiteBenchmark> = Vec::new();
    for m in &modules {
        let b = SuiteBenchmark::of(m).with_context(|| format!("in the suite {}", path.display()))?;
        if let Some(other) = out.iter().find(|o| o.name == b.name) {
            bail!(
                "two benchmarks of {} are named `{}` ({} and {})",
                path.display(),
                b.name,
                other.wasm.display(),
                b.wasm.display()
            );
        }
        out.push(b);
    }
    Ok(out)
}

/// Every `.wasm` file under `dir` (its subdirectories too), sorted by path.
pub fn wasm_files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    collect_wasm(dir, &mut found)?;
    found.sort();
    Ok(found)
}

fn collect_wasm(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let p = entry?.path();
        if p.is_dir() {
            collect_wasm(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "wasm") {
            out.push(p);
        }
    }
    Ok(())
}

/// An error when a run's stream differs from the file the suite expects, saying how.
pub fn check_stream(what: &str, got: &results::wasi_command::StreamDigest, expected: &Path) -> Result<()> {
    let want = std::fs::read(expected).with_context(|| format!("reading {}", expected.display()))?;
    let want_digest = results::wasi_command::StreamDigest::of(&want);
    if want_digest.sha256 == got.sha256 {
        return Ok(());
    }
    bail!(
        "{what} differs from {}: {} bytes, first line `{}` (expected {} bytes, `{}`)",
        expected.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        got.bytes,
        got.head.first().map(String::as_str).unwrap_or(""),
        want_digest.bytes,
        want_digest.head.first().map(String::as_str).unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_file_a_directory_and_one_module_name_the_same_benchmarks() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["alpha", "beta"] {
            std::fs::create_dir_all(dir.path().join(name)).unwrap();
            std::fs::write(dir.path().join(name).join("benchmark.wasm"), b"\0asm\x01\0\0\0").unwrap();
        }
        std::fs::write(dir.path().join("alpha/benchmark.stdout.expected"), b"ok\n").unwrap();
        let suite = dir.path().join("two.suite");
        std::fs::write(&suite, "# a comment\nbeta/benchmark.wasm  # trailing\n\nalpha/benchmark.wasm\n").unwrap();
        let listed = load(&suite).unwrap();
        assert_eq!(listed.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["beta", "alpha"]);
        assert!(listed[1].stdout_expected.is_some() && listed[1].stderr_expected.is_none());
        assert_eq!(listed[1].dir, std::path::absolute(dir.path().join("alpha")).unwrap());
        let walked = load(dir.path()).unwrap();
        assert_eq!(walked.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["alpha", "beta"]);
        let one = load(&dir.path().join("beta/benchmark.wasm")).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, "beta");
    }

    #[test]
    fn a_missing_module_and_duplicate_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let suite = dir.path().join("bad.suite");
        std::fs::write(&suite, "nowhere/benchmark.wasm\n").unwrap();
        let err = format!("{:#}", load(&suite).unwrap_err());
        assert!(err.contains("no such benchmark module"), "{err}");
        for sub in ["a/x", "b/x"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("benchmark.wasm"), b"").unwrap();
        }
        std::fs::write(&suite, "a/x/benchmark.wasm\nb/x/benchmark.wasm\n").unwrap();
        let err = format!("{:#}", load(&suite).unwrap_err());
        assert!(err.contains("two benchmarks") && err.contains("`x`"), "{err}");
        std::fs::write(&suite, "# nothing\n").unwrap();
        assert!(load(&suite).unwrap_err().to_string().contains("lists no benchmark"));
    }

    #[test]
    fn a_stream_is_checked_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let expected = dir.path().join("benchmark.stdout.expected");
        std::fs::write(&expected, b"[bz2] compressed\n").unwrap();
        let same = results::wasi_command::StreamDigest::of(b"[bz2] compressed\n");
        check_stream("stdout", &same, &expected).unwrap();
        let other = results::wasi_command::StreamDigest::of(b"[bz2] compressed \n");
        let err = check_stream("stdout", &other, &expected).unwrap_err().to_string();
        assert!(err.contains("stdout differs from benchmark.stdout.expected") && err.contains("18 bytes"), "{err}");
    }
}
