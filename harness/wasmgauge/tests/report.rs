//! `wasmgauge report`: rendered from a real (small) run of every scenario, checked as XML, for
//! its charts and tables, for fetching nothing, and in headless Chromium.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Two versions of one runtime side by side (the default and the LTS line), its baseline JIT
/// (Winch: where the quick profile measures the C, Python and JavaScript guests), an interpreter,
/// the plugin kit (Extism: the third way of the components section) and the two baselines.
const ENGINES: &str = "wasmtime-cranelift,wasmtime-winch,wasmtime-cranelift@36,wasmi-lazy,extism,native,subprocess";

/// One real quick run (every scenario, two workloads, seven engines), shared by the tests. Its
/// time budget is a bound, not a trim: the run takes about 120 s here (the interpreter guests'
/// component calls, about 9 s a process on Winch, three processes each, are the longest part;
/// without Winch in the run they would land on Cranelift, about 25-30 s a process, and the plugin
/// calls the three-ways table needs would be skipped by estimate).
fn fresh_results() -> &'static Path {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &RUN.get_or_init(|| {
        let corpus = common::corpus();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run-fresh.json");
        let status = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
            .args(["run", "--workloads", "fib,sha256", "--engines", ENGINES, "--time-budget", "240"])
            .args(["--memory-budget", "64MiB", "--corpus"])
            .arg(&corpus.dir)
            .arg("--out")
            .arg(&out)
            .stdout(std::fs::File::create(dir.path().join("run.stdout")).unwrap())
            .status()
            .unwrap();
        assert!(status.success(), "the run for the report failed: {status}");
        (dir, out)
    })
    .1
}

/// Every `[a, b]` in `text` whose two ends read the same: an interval of zero width.
fn zero_width_intervals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        if let Some((a, b)) = after[..close].split_once(", ")
            && a.trim() == b.trim()
            && a.chars().any(|c| c.is_ascii_digit())
        {
            out.push(after[..close].to_string());
        }
        rest = &after[close..];
    }
    out
}

fn v1_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results-v1.json")
}

fn report(inputs: &[&Path], out: &Path) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .arg("report")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "report failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// Elements by id, and the whole document, parsed strictly as XML.
fn parse(html: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(html, opts).unwrap_or_else(|e| panic!("index.html is not well-formed: {e}"))
}

fn by_id<'a>(doc: &'a roxmltree::Document<'a>, id: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants().find(|n| n.attribute("id") == Some(id)).unwrap_or_else(|| panic!("no element with id {id}"))
}

/// The first `table` after `node` in document order.
fn table_after<'a>(node: roxmltree::Node<'a, 'a>) -> roxmltree::Node<'a, 'a> {
    let mut next = node.next_sibling();
    while let Some(n) = next {
        if let Some(t) = n.descendants().find(|d| d.has_tag_name("table")) {
            return t;
        }
        next = n.next_sibling();
    }
    panic!("no table after {:?}", node.attribute("id"))
}

fn text_of(node: roxmltree::Node) -> String {
    node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_single_run_renders_every_chart_table_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(&[fresh_results()], dir.path());
    let index = dir.path().join("index.html");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), index.display().to_string(), "prints the page's path");
    let html = std::fs::read_to_string(&index).unwrap();
    let doc = parse(&html);

    // Every chart is an inline SVG with marks in it, and has a table of its numbers under it.
    for id in [
        "chart-throughput-0",
        "chart-cold-start",
        "chart-call-overhead",
        "chart-latency-0",
        "chart-latency-1",
        "chart-memory",
        "chart-concurrency",
        "chart-instantiation-scaling",
        "chart-virtual-best",
        "chart-three-ways",
    ] {
        let fig = by_id(&doc, id);
        let svg = fig.descendants().find(|n| n.has_tag_name("svg")).unwrap_or_else(|| panic!("{id} has no svg"));
        let marks = svg.descendants().filter(|n| n.has_tag_name("rect") || n.has_tag_name("polyline")).count();
        assert!(marks > 5, "{id} draws only {marks} marks");
        let table = table_after(fig);
        assert!(table.descendants().filter(|n| n.has_tag_name("tr")).count() >= 3, "{id}: table under it is empty");
    }
    for section in [
        "summary",
        "selection",
        "support-matrix",
        "virtual-best",
        "scaling",
        "claims",
        "throughput",
        "cold-start",
        "call-overhead",
        "latency",
        "hosting",
        "sandbox-tax",
        "problems",
        "method",
        "runs",
        "raw",
    ] {
        by_id(&doc, section);
    }
    // Summary: every engine a column, the best WebAssembly configuration marked.
    let summary = text_of(by_id(&doc, "summary"));
    // (Not the plugin kit: Extism takes part in plugin-calls only, shown under Components.)
    for e in ENGINES.split(',').filter(|e| *e != "extism") {
        assert!(summary.contains(e), "summary lacks {e}");
    }
    // Components: every configuration says whether it hosts components; invert three ways
    // (core module and component on wasmtime-cranelift, Extism) with intervals at every size.
    let components = by_id(&doc, "components");
    let hosts = text_of(table_after(
        components.descendants().find(|n| n.has_tag_name("h3") && text_of(*n) == "Component hosts").unwrap(),
    ));
    assert!(hosts.contains("extism") && hosts.contains("not components"), "{hosts}");
    let ways = text_of(table_after(by_id(&doc, "chart-three-ways")));
    for needle in [
        "core module (ptr, len) on wasmtime-cranelift",
        "component plugin-rust on wasmtime-cranelift",
        "Extism plugin-extism on extism",
        "16 B",
        "1 MiB",
    ] {
        assert!(ways.contains(needle), "three ways lacks {needle}: {ways}");
    }
    let plugin_calls = text_of(components);
    assert!(plugin_calls.contains("plugin-extism: plugin-new-cached"), "{plugin_calls}");
    assert!(html.contains("class=\"num best\""));
    // Claims: each has a verdict, and any verdict other than "not measured" comes with a number.
    let claims = by_id(&doc, "claims");
    let rows: Vec<_> = claims.descendants().filter(|n| n.has_tag_name("tr")).skip(1).collect();
    assert!(rows.len() >= 10, "{} claim rows", rows.len());
    for row in rows {
        let cells: Vec<String> = row.children().filter(|c| c.has_tag_name("td")).map(text_of).collect();
        let (measured, verdict) = (&cells[cells.len() - 2], &cells[cells.len() - 1]);
        if verdict != "not measured" {
            assert!(measured.chars().any(|c| c.is_ascii_digit()), "verdict {verdict} without a number: {measured}");
        }
    }
    assert!(text_of(claims).contains("supported") || text_of(claims).contains("contradicted"));
    // Claims cite their articles by title, not by file name.
    let cited = text_of(claims);
    assert!(cited.contains("Why WebAssembly Left the Browser") && !cited.contains(".txt"), "{cited}");
    // Instantiation both ways on the summary: the first instance after a compile, each further one.
    assert!(summary.contains("first instance after compile") && summary.contains("each further instance"), "{summary}");
    // The support matrix: a row per configuration, grouped by kind; the virtual best: 1× or more.
    let matrix = table_after(by_id(&doc, "support-matrix"));
    let matrix_text = text_of(matrix);
    for e in ENGINES.split(',') {
        assert!(matrix_text.contains(e), "support matrix lacks {e}");
    }
    assert!(matrix_text.contains("optimizing JIT") && matrix_text.contains("interpreter"), "{matrix_text}");
    let widths: Vec<usize> = matrix
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| tr.children().filter(|c| c.has_tag_name("td") || c.has_tag_name("th")).count())
        .collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "every row as wide as the header: {widths:?}");
    let scaling = text_of(by_id(&doc, "scaling"));
    let levels = results::plans::scaling_levels(results::plans::machine_cores());
    let listed = levels.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
    assert!(scaling.contains(&format!("Thread levels {listed}")), "{scaling}");
    // The header says what ran, on what, with the runtime versions and knobs.
    let runs = text_of(by_id(&doc, "runs"));
    for needle in
        ["wasmtime 48.0.8", "wasmtime 36.0.20", "wasmi 2.0.0", "extism 1.30.0", "compile_threads = 1", "logical cores"]
    {
        assert!(runs.contains(needle), "What ran lacks {needle}");
    }

    // Self-contained: no scripts, no external stylesheets, images, frames or fonts; only plain links.
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(!["script", "link", "img", "iframe", "object", "embed"].contains(&tag), "<{tag}> in the page");
        for a in n.attributes() {
            let v = a.value().trim();
            if (a.name() == "src" || a.name() == "href") && tag != "a" {
                panic!("<{tag} {}={v}> loads a resource", a.name());
            }
            if tag == "a" && a.name() == "href" {
                assert!(!v.starts_with("http://") && !v.starts_with("https://"), "links point beside the page: {v}");
                if !v.starts_with('#') {
                    assert!(dir.path().join(v).is_file(), "link to {v}, which was not written");
                }
            }
        }
    }
    assert!(!html.contains("url(") && !html.contains("@import") && !html.contains("@font-face"));

    // The Markdown summary and the CSV.
    let md = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    // No interval of zero width anywhere: one measurement, or equal samples, shows no interval.
    assert_eq!(
        zero_width_intervals("a [3.50 µs, 3.50 µs] b [1, 2] [x, x]"),
        ["3.50 µs, 3.50 µs"],
        "the check sees one"
    );
    let terminal = std::fs::read_to_string(fresh_results().with_file_name("run.stdout")).unwrap();
    for (what, text) in [("page", text_of(doc.root_element())), ("summary.md", md.clone()), ("terminal", terminal)] {
        let zero = zero_width_intervals(&text);
        assert!(zero.is_empty(), "{what} has zero-width intervals: {zero:?}");
    }
    let csv_text = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    let mut zero_csv = csv::Reader::from_reader(csv_text.as_bytes());
    for row in zero_csv.records().map(Result::unwrap) {
        assert!(row[9].is_empty() || row[9] != row[10], "a zero-width interval in the CSV: {row:?}");
    }
    assert!(
        md.contains("| metric | wasmtime-cranelift | wasmtime-winch | wasmtime-cranelift@36 | wasmi-lazy | native | subprocess |"),
        "the two Wasmtime versions side by side: {md}"
    );
    // Short enough for a job summary: it grows with the configurations (the support matrix and
    // the selection tables), not with the workloads.
    let engines = ENGINES.split(',').count();
    assert!(
        md.contains("Claims from the field") && md.contains("### Support matrix") && md.contains("### Which to pick")
    );
    assert!(md.lines().count() < 60 + 4 * engines, "{} lines", md.lines().count());
    let mut csv = csv::Reader::from_path(dir.path().join("results.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..9], ["run", "run_id", "machine", "scenario", "workload", "engine", "metric", "unit", "value"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let scenarios: HashSet<&str> = rows.iter().map(|r| &r[3]).collect();
    for s in [
        "throughput",
        "cold-start",
        "process-start",
        "call-overhead",
        "latency",
        "memory",
        "density",
        "concurrency",
        "sandbox-tax",
    ] {
        assert!(scenarios.contains(s), "CSV lacks {s}");
    }
    let ratio = rows
        .iter()
        .find(|r| {
            &r[3] == "throughput" && &r[4] == "fib/small" && &r[5] == "wasmtime-cranelift" && &r[6] == "ratio_to_native"
        })
        .expect("fib ratio row");
    let (v, lo, hi): (f64, f64, f64) =
        (ratio[8].parse().unwrap(), ratio[9].parse().unwrap(), ratio[10].parse().unwrap());
    assert!(v > 0.5 && lo <= hi && v.is_finite(), "{ratio:?}");
    assert!(dir.path().join("run-fresh.json").is_file(), "raw JSON copied beside the page");
}

/// A real run flags none of its figures against the machine's limits; a planted impossible one
/// (the native 1 MiB read in 1 µs: about 1 TB/s) is flagged on the page, in the CSV and in the
/// terminal's words, and the claim that would use it is not decided.
#[test]
fn an_impossible_figure_is_flagged_and_decides_no_claim() {
    let fresh = results::ResultsFile::load(fresh_results()).unwrap();
    let limits = fresh.environment.limits.clone().expect("the run measured the machine's limits");
    assert!(limits.copy.iter().all(|c| c.mb_per_s > 100.0) && limits.empty_syscall_ns > 0.0, "{limits:?}");
    let flagged: Vec<String> =
        fresh.flatten().0.iter().filter(|c| c.implausible.is_some()).map(|c| c.key_text()).collect();
    assert!(flagged.is_empty(), "a real run flags nothing: {flagged:?}");
    let dir = tempfile::tempdir().unwrap();
    let io_run = dir.path().join("io.json");
    let mut r = common::run_to(&["--scenarios", "wasi-io", "--engines", "wasmi-lazy,native"], &io_run);
    let io = r.scenarios.other.get_mut(results::ids::WASI_IO).expect("the run measured wasi-io");
    let cell = io.cells.iter_mut().find(|c| c.engine == "native" && c.workload == "read 1 MiB").unwrap();
    for f in &mut cell.figures {
        match f.metric.as_str() {
            "ns_per_op" => (f.value, f.ci95, f.samples) = (1_000.0, Some((900.0, 1_100.0)), vec![1_000.0; 4]),
            "mb_per_s" => (f.value, f.ci95) = (1_048_576.0, Some((953_251.0, 1_165_084.0))),
            _ => {}
        }
    }
    let planted = dir.path().join("planted.json");
    r.save(&planted).unwrap();
    let out = dir.path().join("report");
    report(&[&planted], &out);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let doc = parse(&html);
    let section = text_of(by_id(&doc, "implausible"));
    assert!(section.contains("read 1 MiB") && section.contains("faster than this machine copies memory"), "{section}");
    assert!(html.contains("class=\"implausible\""), "the table cell is marked");
    let mut csv = csv::Reader::from_path(out.join("results.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let col = header.iter().position(|h| h == "implausible").expect("an implausible column");
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let planted_rows: Vec<_> =
        rows.iter().filter(|r| &r[3] == "wasi-io" && &r[4] == "read 1 MiB" && &r[5] == "native").collect();
    assert_eq!(planted_rows.len(), 2, "ns_per_op and mb_per_s");
    assert!(planted_rows.iter().all(|r| !r[col].is_empty()), "{planted_rows:?}");
    assert_eq!(rows.iter().filter(|r| !r[col].is_empty()).count(), 2, "only the planted cell is flagged");
    let claims = by_id(&doc, "claims");
    let row = claims
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .find(|r| {
            r.children().find(|c| c.has_tag_name("td")).map(text_of).as_deref()
                == Some("Heavy I/O through the boundary loses speed")
        })
        .expect("the heavy I/O claim");
    let cells: Vec<String> = row.children().filter(|c| c.has_tag_name("td")).map(text_of).collect();
    assert_eq!(cells.last().map(String::as_str), Some("not measured"), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains("flagged beyond the machine")), "{cells:?}");
}

#[test]
fn two_result_files_render_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = v1_fixture();
    report(&[fresh_results(), &v1], dir.path());
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    let doc = parse(&html);
    let runs = by_id(&doc, "runs");
    let head: Vec<String> =
        runs.descendants().find(|n| n.has_tag_name("tr")).unwrap().children().map(text_of).collect();
    assert_eq!(head, ["", "R1", "R2"], "one column per run in What ran");
    let summary = text_of(by_id(&doc, "summary"));
    assert!(summary.contains("· R1") && summary.contains("· R2"), "summary rows for both runs");
    // The throughput chart has a series per run (the legend names them), the table a run column.
    let throughput = text_of(by_id(&doc, "throughput"));
    assert!(throughput.contains("wasmtime-cranelift · R1") && throughput.contains("wasmtime-cranelift · R2"));
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("R1,")) && csv.lines().any(|l| l.starts_with("R2,")));
    assert!(dir.path().join("results-v1.json").is_file());
}

#[test]
fn bad_inputs_fail_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(&corrupt, "{ \"schema\": \"wasmgauge-results\", \"schema_ver").unwrap();
    for (input, expected) in [(corrupt.clone(), "not valid JSON"), (dir.path().join("missing.json"), "reading")] {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
            .arg("report")
            .arg(&input)
            .arg("--out")
            .arg(dir.path().join("r"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_wasmgauge")).arg("report").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no input is a usage error");
}

/// Chromium from `WASMGAUGE_CHROMIUM` or the PATH. Missing is a failure: `scripts/setup.sh
/// --browser` (run by the test command) installs it.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("WASMGAUGE_CHROMIUM") {
        return PathBuf::from(p);
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if dir.join(name).is_file() {
                return dir.join(name);
            }
        }
    }
    panic!("headless Chromium is needed for the report browser test and was not found: run scripts/setup.sh --browser");
}

/// Hosts Chromium itself calls in the background (updates, time, accounts): not page requests.
fn browser_own_host(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or("").split(['/', ':', '?']).next().unwrap_or("");
    ["google.com", "googleapis.com", "gstatic.com", "gvt1.com", "googleusercontent.com"]
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

#[test]
fn the_page_loads_in_headless_chromium_without_errors_or_requests() {
    let dir = tempfile::tempdir().unwrap();
    report(&[fresh_results()], dir.path());
    let profile = tempfile::tempdir().unwrap();
    let shot = dir.path().join("screenshot.png");
    let netlog = dir.path().join("netlog.json");
    let index = dir.path().join("index.html");
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,9000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", index.display()))
        .output()
        .expect("starting chromium");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    // The network log lists every request the browser made; the page must have made none.
    let log = std::fs::read_to_string(&netlog).unwrap();
    let page_requests: Vec<&str> = log
        .split("\"url\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|u| (u.starts_with("http://") || u.starts_with("https://")) && !browser_own_host(u))
        .collect();
    assert!(page_requests.is_empty(), "the page fetched {page_requests:?}");
    // A full page of charts and tables: far more than a blank page, less than something absurd.
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let (w, h) =
        (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
    assert_eq!((w, h), (1200, 9000));
    assert!(png.len() > 150_000 && png.len() < 20_000_000, "screenshot of {} bytes", png.len());
    if let Some(keep) = std::env::var_os("WASMGAUGE_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
