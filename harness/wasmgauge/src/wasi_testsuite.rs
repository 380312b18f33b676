//! `conform wasi-testsuite PATH`: the WASI testsuite (WebAssembly/wasi-testsuite) on every
//! configuration with a WASI layer, each test judged by its JSON specification as the suite's
//! `SPECIFICATION.md` defines it.
//!
//! A test is a `.wasm` under PATH with an optional `.json` beside it (absent: the defaults:
//! no arguments, an empty environment, no root, exit code 0, empty stdout and stderr). Both
//! forms of the specification are read: the legacy one (`args`, `env`, `root`, `exit_code`,
//! `stdout`, `stderr`) and the operation-based one (`run`, `wait`, `read`); a test that needs a
//! WASI proposal (`proposals`: http, sockets) or a network operation (`connect`, `send`,
//! `recv`) is unsupported here. Each test runs in a fresh driver process, with a fresh copy of
//! its root directory preopened as `/` (so the files a test generates never reach the tree, and
//! the suite's `*.cleanup` step has nothing to remove), its environment exactly the
//! specification's. It passes when its exit code equals the specification's, and its stdout and
//! stderr too where the specification names them: the suite's reference runner
//! (`test-runner/wasi_test_runner/validators.py`) checks stdout only when it is given and never
//! stderr, though `SPECIFICATION.md` lists `""` as their defaults.
use crate::subjects::Subjects;
use anyhow::{Context, Result, bail};
use measure::features::{features_to_build, needed_proposals, supported_by};
use measure::wasi_files::{Grant, PreparedRuns, RunTemplate, Tree, digest_tree};
use protocol::conform::ConformJob;
use protocol::{ConformRequest, Request};
use results::Features;
use results::conformance::{WasiTestCell, WasiTestsuiteSection};
use results::format::new_table;
use results::wasi_command::StreamDigest;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one test may take (its driver process included).
const TEST_TIMEOUT: Duration = Duration::from_secs(60);

/// One test of the suite, with what its specification asks.
#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    /// Its folder relative to the tree (`c/testsuite/wasm32-wasip1`).
    pub suite: String,
    /// Its file name without `.wasm`.
    pub name: String,
    /// The module.
    pub wasm: PathBuf,
    /// `argv` after the program name.
    pub args: Vec<String>,
    /// The whole environment.
    pub env: Vec<(String, String)>,
    /// The directory preopened as `/`, where the test has one.
    pub root: Option<PathBuf>,
    /// The expected exit code.
    pub exit_code: i32,
    /// The expected stdout, where the specification names one.
    pub stdout: Option<String>,
    /// The expected stderr, where the specification names one.
    pub stderr: Option<String>,
    /// Why this harness cannot run it (a WASI proposal or a network operation).
    pub unsupported: Option<String>,
}

/// Every test under `root`, sorted by path.
pub fn discover(root: &Path) -> Result<Vec<TestCase>> {
    if !root.is_dir() {
        bail!("{}: not a directory (give the root of a wasi-testsuite tree)", root.display());
    }
    let modules = measure::suite::wasm_files_under(root)?;
    if modules.is_empty() {
        bail!("{}: no .wasm test under this directory", root.display());
    }
    modules.iter().map(|m| test_case(root, m)).collect()
}

fn test_case(root: &Path, wasm: &Path) -> Result<TestCase> {
    let dir = wasm.parent().unwrap_or(root);
    let name = wasm.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let suite = dir.strip_prefix(root).unwrap_or(dir).to_string_lossy().into_owned();
    let mut case = TestCase {
        suite,
        name: name.clone(),
        wasm: std::path::absolute(wasm)?,
        args: Vec::new(),
        env: Vec::new(),
        root: None,
        exit_code: 0,
        stdout: None,
        stderr: None,
        unsupported: None,
    };
    let spec_path = dir.join(format!("{name}.json"));
    if spec_path.is_file() {
        let text = std::fs::read_to_string(&spec_path).with_context(|| format!("reading {}", spec_path.display()))?;
        let spec: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", spec_path.display()))?;
        apply_spec(&mut case, &spec, dir).with_context(|| format!("{}", spec_path.display()))?;
    }
    Ok(case)
}

/// Reads a specification (legacy or operation-based) into `case`.
fn apply_spec(case: &mut TestCase, spec: &serde_json::Value, dir: &Path) -> Result<()> {
    let str_of = |v: &serde_json::Value, key: &str| v.get(key).and_then(|x| x.as_str()).map(String::from);
    let run = |case: &mut TestCase, v: &serde_json::Value| -> Result<()> {
        if let Some(args) = v.get("args") {
            case.args = serde_json::from_value(args.clone()).context("`args` is not a list of strings")?;
        }
        if let Some(env) = v.get("env").and_then(|e| e.as_object()) {
            case.env = env.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect();
        }
        case.root = str_of(v, "root").map(|r| dir.join(r));
        Ok(())
    };
    let Some(ops) = spec.get("operations").and_then(|o| o.as_array()) else {
        run(case, spec)?;
        if let Some(code) = spec.get("exit_code").and_then(|c| c.as_i64()) {
            case.exit_code = code as i32;
        }
        case.stdout = str_of(spec, "stdout");
        case.stderr = str_of(spec, "stderr");
        return Ok(());
    };
    let proposals: Vec<String> =
        spec.get("proposals").map(|p| serde_json::from_value(p.clone())).transpose()?.unwrap_or_default();
    if !proposals.is_empty() {
        case.unsupported = Some(format!("needs the WASI proposal(s) {}", proposals.join(", ")));
    }
    for op in ops {
        match op.get("type").and_then(|t| t.as_str()).unwrap_or_default() {
            "run" => run(case, op)?,
            "wait" => case.exit_code = op.get("exit_code").and_then(|c| c.as_i64()).unwrap_or(0) as i32,
            "read" => {
                let payload = str_of(op, "payload").unwrap_or_default();
                match str_of(op, "id").as_deref().unwrap_or("stdout") {
                    "stderr" => case.stderr = Some(payload),
                    _ => case.stdout = Some(payload),
                }
            }
            other @ ("connect" | "send" | "recv") => {
                case.unsupported.get_or_insert(format!("a network operation (`{other}`)"));
            }
            other => bail!("unknown operation `{other}`"),
        }
    }
    Ok(())
}

/// Runs every test on every configuration in `engines` (each with a WASI layer), `parallel`
/// driver processes at a time.
pub fn run(subjects: &Subjects, engines: &[&str], root: &Path, parallel: usize) -> Result<WasiTestsuiteSection> {
    let tests = discover(root)?;
    eprintln!("wasi-testsuite: {} tests under {} on {} configuration(s)", tests.len(), root.display(), engines.len());
    let scratch = tempfile::tempdir()?;
    let befores: Vec<Option<Tree>> =
        tests.iter().map(|t| t.root.as_deref().map(digest_tree).transpose()).collect::<Result<_>>()?;
    // Each module and the proposals it needs, once for every configuration.
    let modules: Vec<(Vec<u8>, Features)> = tests
        .iter()
        .map(|t| {
            let wasm = std::fs::read(&t.wasm).with_context(|| format!("reading {}", t.wasm.display()))?;
            let needed = needed_proposals(&wasm);
            Ok((wasm, needed))
        })
        .collect::<Result<_>>()?;
    let mut cells: Vec<WasiTestCell> = Vec::new();
    for engine in engines {
        let supported = supported_by(engine, |ask| {
            protocol::client::Launcher::call(subjects, engine, ask, Duration::from_secs(120))
                .map_err(|e| anyhow::anyhow!("{e}"))
        })?;
        let mut prepared: Vec<(usize, PreparedRuns)> = Vec::new();
        let mut jobs: Vec<(String, ConformJob)> = Vec::new();
        let mut verdicts: Vec<Option<(String, String)>> = vec![None; tests.len()];
        for (i, t) in tests.iter().enumerate() {
            if let Some(why) = &t.unsupported {
                verdicts[i] = Some(("unsupported".into(), why.clone()));
                continue;
            }
            let (wasm, needed) = &modules[i];
            let features = match features_to_build(wasm, needed, &supported) {
                Ok(f) => f,
                Err(why) => {
                    verdicts[i] = Some(("unsupported".into(), format!("needs {why}")));
                    continue;
                }
            };
            let grants = match (&t.root, &befores[i]) {
                (Some(r), Some(before)) => vec![Grant { from: Some(r.as_path()), guest: "/", before }],
                _ => Vec::new(),
            };
            let template =
                RunTemplate { program_name: format!("{}.wasm", t.name), grants, env: t.env.clone(), stdin: None };
            let base = scratch.path().join(format!("{}-{i}", engine.replace(['@', '/'], "_")));
            let runs = PreparedRuns::new(&base, &template, vec![t.args.clone()])?;
            let Request::Conform(ConformRequest { job, .. }) = runs.request(engine, &t.wasm, &features, false, false)
            else {
                bail!("a WASI run is a conformance request");
            };
            jobs.push((engine.to_string(), job));
            prepared.push((i, runs));
        }
        let outcomes = conform::run_all(subjects, &jobs, TEST_TIMEOUT, parallel, &format!("wasi-testsuite {engine}"));
        for ((i, runs), outcome) in prepared.iter().zip(outcomes) {
            let verdict = match outcome.map_err(|e| anyhow::anyhow!("{e}")).and_then(|answer| runs.settle(answer)) {
                Ok(observed) => match observed.first() {
                    Some((o, _)) => judge(&tests[*i], o.exit_code, &o.stdout, &o.stderr),
                    None => ("fail".into(), "no run".into()),
                },
                Err(e) => {
                    let text = format!("{e:#}");
                    match text.strip_prefix("unsupported: ") {
                        Some(why) => ("unsupported".into(), why.to_string()),
                        None => {
                            // What the guest said before it trapped (a failed assertion's message).
                            let said = runs.files.first().and_then(|f| std::fs::read(&f.stderr).ok());
                            let said = StreamDigest::of(&said.unwrap_or_default()).head.join("⏎");
                            let text = if said.is_empty() { text } else { format!("{text} (stderr: {said})") };
                            ("fail".into(), text.chars().take(300).collect())
                        }
                    }
                }
            };
            verdicts[*i] = Some(verdict);
        }
        for (t, v) in tests.iter().zip(verdicts) {
            let (verdict, detail) = v.unwrap_or(("fail".into(), "not run".into()));
            cells.push(WasiTestCell {
                suite: t.suite.clone(),
                test: t.name.clone(),
                engine: engine.to_string(),
                verdict,
                detail,
            });
        }
    }
    Ok(WasiTestsuiteSection { root: root.display().to_string(), cells })
}

/// `pass`, or `fail` with every difference from the specification.
fn judge(t: &TestCase, exit_code: i32, stdout: &StreamDigest, stderr: &StreamDigest) -> (String, String) {
    let mut why = Vec::new();
    if exit_code != t.exit_code {
        why.push(format!("exit code {exit_code} (expected {})", t.exit_code));
    }
    for (name, got, want) in [("stdout", stdout, &t.stdout), ("stderr", stderr, &t.stderr)] {
        let Some(want) = want else { continue };
        let want = StreamDigest::of(want.as_bytes());
        if got.sha256 != want.sha256 {
            why.push(format!(
                "{name} {} bytes `{}` (expected {} bytes `{}`)",
                got.bytes,
                got.head.join("⏎"),
                want.bytes,
                want.head.join("⏎")
            ));
        }
    }
    if why.is_empty() { ("pass".into(), String::new()) } else { ("fail".into(), why.join("; ")) }
}

/// Suites as rows, configurations as columns: `passed/run` with the unsupported count, then
/// each configuration's failing tests.
pub fn table(s: &WasiTestsuiteSection, ids: &[&str]) -> String {
    let mut header = vec!["suite".to_string()];
    header.extend(ids.iter().map(|s| s.to_string()));
    let mut t = new_table(header);
    for suite in s.suites() {
        let mut row = vec![suite.to_string()];
        for id in ids {
            row.push(s.cell_text(suite, id));
        }
        t.add_row(row);
    }
    let mut out = t.to_string();
    for id in ids {
        for c in s.failures(id) {
            out.push_str(&format!("\n{id}: FAIL {}/{}: {}", c.suite, c.test, c.detail));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_of_the_specification_are_read_with_their_defaults() {
        let dir = Path::new("/suite/c");
        let mut legacy = TestCase {
            suite: "c".into(),
            name: "t".into(),
            wasm: "/suite/c/t.wasm".into(),
            args: vec![],
            env: vec![],
            root: None,
            exit_code: 0,
            stdout: None,
            stderr: None,
            unsupported: None,
        };
        let mut ops = legacy.clone();
        apply_spec(
            &mut legacy,
            &serde_json::json!({"args": ["a", "b c"], "env": {"K": "v"}, "root": "fs-tests.dir", "exit_code": 33, "stdout": "hi"}),
            dir,
        )
        .unwrap();
        assert_eq!(legacy.args, ["a", "b c"]);
        assert_eq!(legacy.env, [("K".to_string(), "v".to_string())]);
        assert_eq!(legacy.root.as_deref(), Some(Path::new("/suite/c/fs-tests.dir")));
        assert_eq!((legacy.exit_code, legacy.stdout.as_deref(), legacy.stderr.as_deref()), (33, Some("hi"), None));
        apply_spec(
            &mut ops,
            &serde_json::json!({"operations": [{"type": "run", "args": ["x"]}, {"type": "read", "id": "stderr", "payload": "oops"}, {"type": "wait", "exit_code": 1}]}),
            dir,
        )
        .unwrap();
        assert_eq!(
            (ops.args.as_slice(), ops.exit_code, ops.stderr.as_deref()),
            (&["x".to_string()][..], 1, Some("oops"))
        );
        assert!(ops.unsupported.is_none());
        let mut net = ops.clone();
        apply_spec(&mut net, &serde_json::json!({"proposals": ["sockets"], "operations": [{"type": "run"}, {"type": "connect"}, {"type": "wait"}]}), dir)
            .unwrap();
        assert_eq!(net.unsupported.as_deref(), Some("needs the WASI proposal(s) sockets"));
        assert!(apply_spec(&mut net, &serde_json::json!({"operations": [{"type": "dance"}]}), dir).is_err());
    }

    #[test]
    fn a_test_passes_only_when_exit_code_stdout_and_stderr_all_match() {
        let t = TestCase {
            suite: "as".into(),
            name: "fd_write-to-stdout".into(),
            wasm: "/x.wasm".into(),
            args: vec![],
            env: vec![],
            root: None,
            exit_code: 0,
            stdout: Some("hello".into()),
            stderr: Some(String::new()),
            unsupported: None,
        };
        let (hello, empty) = (StreamDigest::of(b"hello"), StreamDigest::of(b""));
        assert_eq!(judge(&t, 0, &hello, &empty).0, "pass");
        let (verdict, why) = judge(&t, 1, &hello, &StreamDigest::of(b"warning\n"));
        assert_eq!(verdict, "fail");
        assert!(why.contains("exit code 1 (expected 0)") && why.contains("stderr 8 bytes"), "{why}");
        // A stream the specification does not name is not judged.
        let quiet = TestCase { stderr: None, ..t.clone() };
        assert_eq!(judge(&quiet, 0, &hello, &StreamDigest::of(b"warning\n")).0, "pass");
    }
}
