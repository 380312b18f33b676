//! `run --component C.wasm --invoke 'f(..)'` end to end: a component nobody on the team wrote
//! or built (the Wasmtime CLI's own test component, fetched by `scripts/setup.sh`) and the
//! corpus's Rust plugin agree on every component host; each bad input gets one line and exit 1.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::ResultsFile;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every configuration that hosts components of any world (`run --component`), both Wasmtime
/// lines; V8 hosts the plugin world only (through jco), and `run --component` leaves it out.
fn hosts() -> Vec<String> {
    let s = wasmgauge::subjects::Subjects::default();
    let any_world = |c: &results::Capabilities| c.hosts_components() && c.takes_part_in("component-invoke");
    s.all().iter().filter(|s| any_world(&s.capabilities())).map(|s| s.id()).collect()
}

fn run(component: &Path, invoke: &str, engines: &[String], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--component"])
        .arg(component)
        .args(["--invoke", invoke, "--engines", &engines.join(","), "--out"])
        .arg(out)
        .output()
        .unwrap()
}

/// Stderr less the progress lines (`wasmgauge: CALL on ENGINE ...`).
fn errors(o: &Output) -> Vec<String> {
    let text = String::from_utf8_lossy(&o.stderr);
    text.lines().filter(|l| !(l.starts_with("wasmgauge: ") && l.ends_with(" ..."))).map(String::from).collect()
}

fn peer(name: &str) -> PathBuf {
    let path = wasmgauge::toolchain::user_cache_dir().join("peers/wasmtime-cli-48.0.8").join(name);
    assert!(path.exists(), "{} is missing: run scripts/setup.sh (scripts/fetch-peer-components.sh)", path.display());
    path
}

fn agreed(out: &Path, engines: &[String]) -> Vec<String> {
    let section = ResultsFile::load(out).unwrap().scenarios.component_invoke.unwrap();
    assert_eq!(section.cells.len(), engines.len());
    assert!(section.engines_agree, "{section:?}");
    section.cells[0].results.clone().unwrap()
}

#[test]
fn a_component_nobody_here_built_agrees_on_every_host() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = hosts();
    assert!(hosts.len() >= 5 && hosts.iter().any(|h| h.ends_with("@36")), "{hosts:?}");
    // Two interfaces export `run`: the Wasmtime CLI's own ambiguity test. Wasmtime's
    // `wasmtime run --invoke` spelling of the interface-qualified name works, and so does ours.
    let component = peer("component-multiple-runs.wat");
    for (call, answer) in [("some:other/one.run()", "err"), ("wasi:cli/run@0.2.0#run()", "ok")] {
        let out = dir.path().join("peer.json");
        let o = run(&component, call, &hosts, &out);
        assert_eq!(o.status.code(), Some(0), "{:?}", errors(&o));
        assert_eq!(agreed(&out, &hosts), [answer], "{call}");
    }
    let o = run(&component, "run()", &hosts[..1], &dir.path().join("amb.json"));
    assert_eq!(o.status.code(), Some(1));
    let e = errors(&o);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("more than one interface") && e[0].contains("some:other/one#run"), "{e:?}");
}

/// Every other guest language gives the Rust guest's answers: C on every host, Python and
/// JavaScript on both Wasmtime lines' Winch (whose compile of CPython takes about 2 s where
/// Cranelift's takes about 8).
#[test]
fn the_c_python_and_js_plugins_answer_as_the_rust_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let all = hosts();
    let winch: Vec<String> = all.iter().filter(|h| h.starts_with("wasmtime-winch")).cloned().collect();
    assert_eq!(winch.len(), 2, "{winch:?}");
    let corpus = &common::corpus().dir;
    let calls = [
        r#"swap-case("Hello, Wasm é!")"#,
        r#"mirror({x: 1.5, y: -2.0, label: "aé€😀b"})"#,
        "area(square(-1.0))",
        "area(circle(2.0))",
        "area(nothing)",
        "invert([1, 2, 255])",
        "scalars(7, 1000000, 1.5, -2.25)",
        "call-host(10)",
        "resize({data: [1, 2, 3, 4, 5, 6, 7, 8], width: 2, height: 1}, 1, 2)",
        "grayscale({data: [10, 200, 30, 7], width: 1, height: 1})",
    ];
    let answer = |guest: &str, call: &str, hosts: &[String]| {
        let out = dir.path().join(format!("{guest}.json"));
        let o = run(&corpus.join(format!("components/{guest}.wasm")), call, hosts, &out);
        assert_eq!(o.status.code(), Some(0), "{guest} {call}: {:?}", errors(&o));
        agreed(&out, hosts)
    };
    for call in calls {
        let rust = answer("plugin-rust", call, &all);
        assert_eq!(rust.len(), 1, "{call}: {rust:?}");
        assert_eq!(answer("plugin-c", call, &all), rust, "C {call}");
        // The interpreter guests on one Winch (each call compiles 10-18 MB of wasm); the Rust
        // and C guests cover both Wasmtime lines for every call.
        assert_eq!(answer("plugin-python", call, &winch[..1]), rust, "Python {call}");
        assert_eq!(answer("plugin-js", call, &winch[..1]), rust, "JavaScript {call}");
    }
}

#[test]
fn the_rust_plugin_answers_typed_calls_alike_on_every_host() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = hosts();
    let plugin = common::corpus().dir.join("components/plugin-rust.wasm");
    for (call, answer) in [
        (r#"swap-case("Hello, Wasm")"#, r#""hELLO, wASM""#),
        ("invert([1, 2, 255])", "(1215, [254, 253, 0])"),
        ("area(circle(2.0))", "ok(12.566370614359172)"),
        ("area(nothing)", r#"err("nothing has no area")"#),
    ] {
        let out = dir.path().join("plugin.json");
        let o = run(&plugin, call, &hosts, &out);
        assert_eq!(o.status.code(), Some(0), "{call}: {:?}", errors(&o));
        assert_eq!(agreed(&out, &hosts), [answer], "{call}");
    }
}

#[test]
fn bad_components_and_calls_get_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let plugin = common::corpus().dir.join("components/plugin-rust.wasm");
    let core = write("core.wat", b"(module (func (export \"f\")))");
    let truncated = write("truncated.wasm", b"\0asm\x0d\0\x01\0\x07");
    let text = write("text.wasm", b"not wasm at all");
    let needs =
        write("needs.wat", b"(component (import \"wasmgauge:missing/thing\" (instance (export \"f\" (func)))))");
    let one = &hosts()[..1];
    let out = dir.path().join("bad.json");
    for (component, call, says) in [
        (&core, "f()", "is a core module, not a component: run it with `--module"),
        (&truncated, "f()", "malformed component"),
        (&text, "f()", "malformed component"),
        (&needs, "f()", "needs an import this host does not provide"),
        (&plugin, "swap-case(", "are not WAVE values"),
        (&plugin, "swap-case(1)", "do not match `swap-case` (s: string) -> (string)"),
        (&plugin, "swap-case", "is not a function call"),
        (
            &plugin,
            "nope()",
            "no exported function `nope`; it exports: wasmgauge:plugin/calls@0.1.0#[constructor]counter",
        ),
    ] {
        let o = run(component, call, one, &out);
        let e = errors(&o);
        assert_eq!(o.status.code(), Some(1), "{call} on {}: {e:?}", component.display());
        assert_eq!(e.len(), 1, "one line for {call} on {}: {e:?}", component.display());
        assert!(e[0].contains(says), "{call} on {}: {e:?}", component.display());
    }
    // A component given to `--module` points to `--component`, with --export and with --wasi.
    for mode in [&["--export", "f"][..], &["--wasi"][..]] {
        let o = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
            .args(["run", "--module"])
            .arg(&plugin)
            .args(mode)
            .output()
            .unwrap();
        let e = errors(&o);
        assert_eq!(o.status.code(), Some(1), "{mode:?}: {e:?}");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("is a WebAssembly component, not a core module: run it with `--component"), "{e:?}");
    }
    // Usage errors are clap's: exit 2.
    let o = Command::new(env!("CARGO_BIN_EXE_wasmgauge")).args(["run", "--component"]).arg(&plugin).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    // No component host among the chosen configurations; V8 hosts the plugin world only.
    for engine in ["wasmi-eager", "v8-liftoff"] {
        let o = run(&plugin, "noop()", &[engine.to_string()], &out);
        assert_eq!(o.status.code(), Some(1), "{engine}");
        assert!(errors(&o)[0].contains("none of the chosen configurations hosts components"), "{:?}", errors(&o));
    }
}

/// `run --component --wasi`: a `wasi:cli/run` command component runs on every component host
/// and agrees with its preview 1 twin (the corpus's `wasi_io`, the same Rust source built for
/// `wasm32-wasip2`: a component command) on stdout and the file it writes; the Wasmtime CLI's
/// own command test component exits 0 everywhere; a core module and a component that is not a
/// command each get one line and exit 1.
#[test]
fn a_command_component_runs_like_its_module_twin_on_every_host() {
    let corpus = common::corpus();
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or(common::repo_root().join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "--target", "wasm32-wasip2", "-p", "wl-wasi-io", "--target-dir"])
        .arg(&target)
        .current_dir(common::repo_root())
        .status()
        .unwrap();
    assert!(status.success());
    let command = target.join("wasm32-wasip2/release/wasi_io.wasm");
    assert!(wasmparser::Parser::is_component(&std::fs::read(&command).unwrap()));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("in.txt"), "a component command\nand its module twin\n").unwrap();
    let wasi = |what: &str, path: &Path, engines: &[String], out: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
            .args(["run", what])
            .arg(path)
            .args(["--wasi", "--runs", "2", "--engines", &engines.join(","), "--out"])
            .arg(out)
            .arg("--dir")
            .arg(format!("{}::/data", data.display()))
            .arg("--")
            .args(args)
            .output()
            .unwrap()
    };
    let transform = ["transform", "/data/in.txt", "/data/out.txt"];
    let hosts = hosts();
    let out = dir.path().join("component.json");
    let o = wasi("--component", &command, &hosts, &out, &transform);
    assert_eq!(o.status.code(), Some(0), "{:?}", errors(&o));
    let section = ResultsFile::load(&out).unwrap().scenarios.wasi_command.unwrap();
    assert!(section.component && section.engines_agree, "{section:?}");
    assert_eq!(section.cells.len(), hosts.len());
    assert!(section.cells.iter().all(|c| c.phases.as_ref().is_some_and(|p| p.run_ns.len() == 2)), "{section:?}");
    let observed = section.cells[0].observed.clone().unwrap();
    assert_eq!((observed.exit_code, observed.files.len()), (0, 1), "{observed:?}");
    // The module twin on one configuration with a WASI layer: the same stdout and file.
    let twin_out = dir.path().join("module.json");
    let o = wasi("--module", &corpus.dir.join("wasi_io.wasm"), &["wasmtime-cranelift".into()], &twin_out, &transform);
    assert_eq!(o.status.code(), Some(0), "{:?}", errors(&o));
    let twin = ResultsFile::load(&twin_out).unwrap().scenarios.wasi_command.unwrap();
    assert!(!twin.component);
    let twin = twin.cells[0].observed.clone().unwrap();
    assert_eq!((&twin.stdout, &twin.files), (&observed.stdout, &observed.files));
    // A command nobody here built.
    let out = dir.path().join("peer.json");
    let o = wasi("--component", &peer("component-basic.wat"), &hosts, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", errors(&o));
    let section = ResultsFile::load(&out).unwrap().scenarios.wasi_command.unwrap();
    assert!(section.engines_agree && section.cells.iter().all(|c| c.observed.as_ref().unwrap().exit_code == 0));
    // Bad inputs: one line, exit 1.
    let bad = dir.path().join("bad.json");
    for (path, says) in [
        (corpus.dir.join("wasi_io.wasm"), "is a core module, not a component"),
        (corpus.dir.join("components/plugin-rust.wasm"), "exports no wasi:cli/run"),
    ] {
        let o = wasi("--component", &path, &hosts[..1], &bad, &[]);
        assert_eq!(o.status.code(), Some(1), "{}", path.display());
        let e = errors(&o);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains(says), "{e:?}");
    }
}
