//! The CI gate: paired mode catches a 10% regression and passes identical modules; A/A file
//! comparisons pass with a calibrated noise floor and a confirmation rerun; file-mode regressions
//! must reproduce in every rerun; incomparable inputs exit 2; shards merge
//! back into the unsharded matrix; BMF export.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::ResultsFile;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The tests here measure; run them one at a time so they do not load each other's cores.
fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn wasmgauge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmgauge")).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn fixture(name: &str) -> String {
    common::repo_root().join("workloads/gate").join(name).display().to_string()
}

fn paired(b: &str) -> Output {
    let (a, b) = (fixture("work_a.wat"), fixture(b));
    wasmgauge(&[
        "gate",
        "--paired",
        "--baseline-module",
        &a,
        "--candidate-module",
        &b,
        "--export",
        "work",
        "--engines",
        "wasmtime-cranelift,wasmi-eager",
        // 40 rounds, not the default 20: at 20, a true +10% on Wasmtime was once measured as
        // +7.5% [+2.9%, +10.0%] on a loaded machine (a miss at the 5% threshold); the README's
        // error-rate check has 2 misses in 80 cells at 20 rounds.
        "--rounds",
        "40",
    ])
}

#[test]
fn paired_mode_flags_ten_percent_more_work_and_passes_the_same_work() {
    let _turn = exclusive();
    let out = paired("work_b_10pct.wat");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("paired work on wasmtime-cranelift (time_per_call)") && t.contains("REGRESSED"), "{t}");
    assert!(t.contains("confirmed by a second measurement"), "{t}");
    let out = paired("work_a.wat");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Two builds of one driver on the same module: the driver against itself passes; a "build"
/// that is 10% slower (the same probe fed the module with 10% more work, through a wrapper
/// script) is flagged.
#[test]
fn paired_driver_builds_pass_themselves_and_flag_a_slower_build() {
    let _turn = exclusive();
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let exe = wasmgauge::drivers::driver_executable("wasmi").unwrap();
    let bin = exe.to_str().unwrap();
    let slower = dir.path().join("slower-build.sh");
    std::fs::write(
        &slower,
        format!(
            "#!/bin/sh\n{{ IFS= read -r spec; printf '%s\\n' \"$spec\" | sed 's/work_a.wat/work_b_30pct.wat/'; cat; }} | exec {bin} probe\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&slower, std::fs::Permissions::from_mode(0o755)).unwrap();
    let module = fixture("work_a.wat");
    let gate = |candidate: &str| {
        wasmgauge(&[
            "gate",
            "--paired",
            "--baseline-bin",
            bin,
            "--candidate-bin",
            candidate,
            "--module",
            &module,
            "--export",
            "work",
            "--engines",
            "wasmi-eager,wasmi-lazy",
            // Each round runs in fresh probe processes, whose placement varies: 40 rounds (not
            // the default 20), and a build doing 30% more work (a true +10% was once confirmed
            // as only +8.7% [+4%, ..] on a noisy machine: not a regression at 5%).
            "--rounds",
            "40",
        ])
    };
    let out = gate(bin);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = gate(&slower.display().to_string());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("REGRESSED"), "{}", text(&out));
}

/// Two configurations on the same module, each side a process of its own driver: one against
/// itself passes; the Wasmtime LTS line against the newest release gets a verdict with both
/// named (whether the two versions differ on this module is what is being measured).
#[test]
fn paired_engines_compare_two_runtime_versions_side_by_side() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("verdict.json");
    let module = fixture("work_a.wat");
    let gate = |a: &str, b: &str| {
        wasmgauge(&[
            "gate",
            "--paired",
            "--baseline-engine",
            a,
            "--candidate-engine",
            b,
            "--module",
            &module,
            "--export",
            "work",
            "--json",
            &json.display().to_string(),
        ])
    };
    let out = gate("wasmi-eager", "wasmi-eager");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = gate("wasmtime-cranelift@36", "wasmtime-cranelift");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let verdict: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(verdict["mode"], "paired engines");
    assert_eq!(verdict["cells"][0]["key"]["engine"], "wasmtime-cranelift@36 vs wasmtime-cranelift");
    assert!(verdict["baseline"].as_str().unwrap().starts_with("wasmtime-cranelift@36 on"), "{verdict}");
}

/// A WASI command whose `_start` counts to `n` and exits 0.
fn counting_command(dir: &Path, name: &str, n: u32) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            r#"(module
                 (memory (export "memory") 1)
                 (func (export "_start") (local $i i32)
                   (loop $l
                     (local.set $i (i32.add (local.get $i) (i32.const 1)))
                     (br_if $l (i32.lt_u (local.get $i) (i32.const {n}))))))"#
        ),
    )
    .unwrap();
    path.display().to_string()
}

/// Paired mode on WASI commands: a command doing twice the work is flagged (and confirmed), the
/// same command passes against itself; two configurations on one command that writes a file
/// must agree on what it writes, and one whose output varies is refused (exit 2), not timed.
#[test]
fn paired_wasi_commands_flag_more_work_and_check_what_both_sides_write() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let a = counting_command(dir.path(), "count_a.wat", 3_000_000);
    let b = counting_command(dir.path(), "count_b.wat", 6_000_000);
    let modules = |candidate: &str| {
        wasmgauge(&[
            "gate",
            "--paired",
            "--wasi",
            "--baseline-module",
            &a,
            "--candidate-module",
            candidate,
            "--engines",
            "wasmi-eager",
        ])
    };
    let out = modules(&b);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("paired count_a.wat _start on wasmi-eager (time_per_run)") && t.contains("REGRESSED"), "{t}");
    assert!(t.contains("confirmed by a second measurement"), "{t}");
    let out = modules(&a);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let corpus = common::corpus();
    let probe = corpus.dir.join("wasi_probe.wasm").display().to_string();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let grant = format!("{}::/data", data.display());
    let engines = |mode: &str| {
        wasmgauge(&[
            "gate",
            "--paired",
            "--wasi",
            "--baseline-engine",
            "wasmi-eager",
            "--candidate-engine",
            "wasmi-lazy",
            "--module",
            &probe,
            "--dir",
            &grant,
            "--rounds",
            "4",
            "--",
            mode,
            "/data",
        ])
    };
    let out = engines("transform");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    assert!(text(&out).contains("wasmi-eager vs wasmi-lazy"), "{}", text(&out));
    assert!(std::fs::read_dir(&data).unwrap().next().is_none(), "the host directory is never written");
    let out = engines("noise");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("wrong output"), "{}", text(&out));
}

const SMALL: &[&str] =
    &["--workloads", "fib,sha256", "--engines", "wasmtime-cranelift,native", "--scenarios", "throughput,call-overhead"];

fn small_run(dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, ResultsFile) {
    let path = dir.join(name);
    let args: Vec<&str> = SMALL.iter().chain(extra).copied().collect();
    let r = common::run_to(&args, &path);
    (path, r)
}

/// A/A: the noise floor is calibrated on runs of this build, then two further runs of the same
/// build pass the gate with it and a third run as the confirmation rerun (`--confirm`), the way
/// ci/README.md tells a CI job on a shared runner to gate.
#[test]
fn a_a_runs_pass_the_gate_with_a_calibrated_noise_floor() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus();
    let noise = dir.path().join("noise.json");
    let mut args = vec!["calibrate", "--runs", "4", "--results-dir"];
    let results_dir = dir.path().join("aa").display().to_string();
    args.push(&results_dir);
    args.extend(SMALL);
    let corpus_dir = corpus.dir.display().to_string();
    let noise_s = noise.display().to_string();
    args.extend(["--corpus", &corpus_dir, "--out", &noise_s]);
    let out = wasmgauge(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (a, _) = small_run(dir.path(), "a.json", &[]);
    let (b, _) = small_run(dir.path(), "b.json", &[]);
    let (rerun, _) = small_run(dir.path(), "rerun.json", &[]);
    let md = dir.path().join("verdict.md");
    let json = dir.path().join("verdict.json");
    let out = wasmgauge(&[
        "gate",
        "--baseline",
        &a.display().to_string(),
        "--candidate",
        &b.display().to_string(),
        "--noise",
        &noise_s,
        "--markdown",
        &md.display().to_string(),
        "--json",
        &json.display().to_string(),
        "--confirm",
        &rerun.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "A/A raised an alarm:\n{}", text(&out));
    let verdict: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(verdict["pass"], true);
    assert!(verdict["cells"].as_array().unwrap().len() > 10);
    assert_eq!(verdict["confirmed_by"][0], rerun.display().to_string());
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("wasmgauge gate: PASS") && md.contains("Regressions had to reproduce in the reruns"), "{md}");
}

/// `wasmgauge gate --baseline BASELINE --candidate CANDIDATE EXTRA...` (file mode).
fn gate_files(baseline: &str, candidate: &Path, extra: &[&str]) -> Output {
    let candidate = candidate.display().to_string();
    let args: Vec<&str> =
        ["gate", "--baseline", baseline, "--candidate", &candidate].into_iter().chain(extra.iter().copied()).collect();
    wasmgauge(&args)
}

/// Saves `r` as `dir/name`.
fn saved(dir: &Path, name: &str, r: &ResultsFile) -> PathBuf {
    let p = dir.join(name);
    r.save(&p).unwrap();
    p
}

/// File mode with `--confirm`: a regression the gate asks to confirm (printing what to rerun)
/// fails only when every rerun of the candidate reproduces it; a rerun without the cell is
/// refused.
#[test]
fn file_mode_regressions_must_reproduce_in_every_confirmation_rerun() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let (_, base) = small_run(dir.path(), "a.json", &["--time-budget", "10"]);
    let write = |name: &str, r: &ResultsFile| saved(dir.path(), name, r);
    // The fib cells made 50% slower. Their samples are set to a steady ±1% on both sides, so
    // the machine's noise during the run above cannot make them "too noisy" here.
    let steady = |r: &ResultsFile, scale: f64| {
        let mut r = r.clone();
        for c in r.scenarios.throughput.as_mut().unwrap().cells.iter_mut().filter(|c| c.workload == "fib") {
            let m = c.measurement.as_mut().unwrap();
            let series = |n: usize| (0..n).map(|i| scale * (1000.0 + (i % 21) as f64 - 10.0)).collect::<Vec<f64>>();
            m.per_call_ns = series(m.per_call_ns.len());
            // Each worker process too: the gate judges cells measured in rounds by their processes.
            for p in &mut m.processes {
                p.per_call_ns = series(p.per_call_ns.len());
                p.steady.kept_from = 0;
                p.median_ns_per_call = stats::median(&p.per_call_ns);
            }
        }
        r
    };
    let a_s = write("steady.json", &steady(&base, 1.0)).display().to_string();
    let gate = |cand: &Path, extra: &[&str]| gate_files(&a_s, cand, extra);
    let slow_p = write("slow.json", &steady(&base, 1.5));
    let out = gate(&slow_p, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--scenarios throughput --engines native,wasmtime-cranelift"), "{}", text(&out));
    let out = gate(&slow_p, &["--confirm", &a_s]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("in the candidate was not reproduced by"), "{}", text(&out));
    let slow_s = slow_p.display().to_string();
    let out = gate(&slow_p, &["--confirm", &a_s, "--confirm", &slow_s]);
    assert_eq!(out.status.code(), Some(0), "every rerun must reproduce it: {}", text(&out));
    let out = gate(&slow_p, &["--confirm", &slow_s]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("reproduced by"), "{}", text(&out));
    let mut partial = steady(&base, 1.0);
    partial.scenarios.throughput.as_mut().unwrap().cells.retain(|c| c.workload != "fib");
    let out = gate(&slow_p, &["--confirm", &write("partial.json", &partial).display().to_string()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("has no cell throughput fib"), "{}", text(&out));
}

#[test]
fn incomparable_inputs_exit_2_and_say_what_differs() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let (a, base) = small_run(dir.path(), "a.json", &["--time-budget", "10"]);
    let a_s = a.display().to_string();
    let gate = |cand: &Path, extra: &[&str]| gate_files(&a_s, cand, extra);
    let write = |name: &str, r: &ResultsFile| saved(dir.path(), name, r);
    // Different guest bytes for a cell.
    let mut other = base.clone();
    other.corpus.as_mut().unwrap().modules.insert("fib".into(), "ab".repeat(32));
    let out = gate(&write("bytes.json", &other), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("different guest bytes") && text(&out).contains("fib"), "{}", text(&out));
    // Different machine, unless allowed.
    let mut other = base.clone();
    other.environment.hostname = "elsewhere".into();
    let p = write("machine.json", &other);
    let out = gate(&p, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("different machines") && text(&out).contains("elsewhere"), "{}", text(&out));
    assert_eq!(gate(&p, &["--allow-cross-machine"]).status.code(), Some(0));
    // Missing cells.
    let mut other = base.clone();
    other.scenarios.throughput.as_mut().unwrap().cells.retain(|c| c.workload != "sha256");
    let out = gate(&write("missing.json", &other), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("cells only in the baseline") && text(&out).contains("sha256"), "{}", text(&out));
    // Another schema version, and a truncated file.
    let v1 = common::repo_root().join("harness/wasmgauge/tests/fixtures/results-v1.json");
    let out = gate(&v1, &["--allow-cross-machine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("schema versions differ"), "{}", text(&out));
    let truncated = dir.path().join("truncated.json");
    let full = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&truncated, &full[..full.len() / 2]).unwrap();
    let out = gate(&truncated, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not valid JSON"), "{}", text(&out));
}

fn keys(r: &ResultsFile) -> BTreeSet<String> {
    gate::extract(r).into_iter().map(|c| c.key.to_string()).collect()
}

#[test]
fn shards_merge_back_into_the_unsharded_matrix() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let budget = ["--time-budget", "15", "--scenarios", "throughput,cold-start"];
    let common_args = ["--workloads", "fib,sha256,json", "--engines", "wasmtime-cranelift,wasmi-lazy,native"];
    let args =
        |extra: &[&'static str]| -> Vec<&str> { common_args.iter().chain(&budget).chain(extra).copied().collect() };
    let whole = common::run_to(&args(&[]), &dir.path().join("whole.json"));
    let s1 = dir.path().join("s1.json");
    let s2 = dir.path().join("s2.json");
    let r1 = common::run_to(&args(&["--shard", "1/2"]), &s1);
    let r2 = common::run_to(&args(&["--shard", "2/2"]), &s2);
    assert_eq!((r1.shard.as_deref(), r2.shard.as_deref()), (Some("1/2"), Some("2/2")));
    let (k1, k2) = (keys(&r1), keys(&r2));
    assert!(!k1.is_empty() && !k2.is_empty() && k1.is_disjoint(&k2));
    let merged = dir.path().join("merged.json");
    let out = wasmgauge(&[
        "merge",
        &s1.display().to_string(),
        &s2.display().to_string(),
        "--out",
        &merged.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let m = ResultsFile::load(&merged).unwrap();
    assert_eq!(keys(&m), keys(&whole), "shards 1/2 + 2/2 cover exactly the unsharded matrix");
    assert_eq!(m.merged_from.len(), 2);
    // Mixed corpora are refused.
    let mut other = r2.clone();
    other.corpus.as_mut().unwrap().manifest_sha256 = "0".repeat(64);
    let bad = dir.path().join("bad.json");
    other.save(&bad).unwrap();
    let out = wasmgauge(&[
        "merge",
        &s1.display().to_string(),
        &bad.display().to_string(),
        "--out",
        &merged.display().to_string(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(text(&out).contains("mixed corpora"), "{}", text(&out));
    // A shard twice is refused.
    let out = wasmgauge(&[
        "merge",
        &s1.display().to_string(),
        &s1.display().to_string(),
        "--out",
        &merged.display().to_string(),
    ]);
    assert!(text(&out).contains("more than one input"), "{}", text(&out));
    // Bencher Metric Format of the merged file.
    let out = wasmgauge(&["report", &merged.display().to_string(), "--format", "bmf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let bmf: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entry = &bmf["throughput/fib/small/wasmtime-cranelift/time_per_call"]["latency"];
    assert!(
        entry["value"].as_f64().unwrap() > 0.0
            && entry["lower_value"].as_f64().unwrap() <= entry["value"].as_f64().unwrap()
    );
}
