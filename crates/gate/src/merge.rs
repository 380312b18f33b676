//! `wasmgauge merge`: joins the results of shards (`run --shard I/N`, possibly on several
//! machines) into one file. It refuses mixed schemas, corpora and profiles, and cells measured
//! twice; it records every input run (with its machine) in `merged_from`.
use anyhow::{Result, bail};
use results::{MergedRun, ResultsFile, Scenarios};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Appends `from`'s cells of every section to `into`'s.
fn join(into: &mut Scenarios, from: Scenarios) {
    macro_rules! cells {
        ($field:ident) => {
            if let Some(f) = from.$field {
                match into.$field.as_mut() {
                    Some(i) => i.cells.extend(f.cells),
                    None => into.$field = Some(f),
                }
            }
        };
    }
    cells!(throughput);
    cells!(latency);
    cells!(call_overhead);
    cells!(memory);
    cells!(density);
    cells!(concurrency);
    cells!(sandbox_tax);
    if let Some(f) = from.cold_start {
        match into.cold_start.as_mut() {
            Some(i) => {
                i.cells.extend(f.cells);
                i.process.extend(f.process);
            }
            None => into.cold_start = Some(f),
        }
    }
    if from.export_call.is_some() && into.export_call.is_none() {
        into.export_call = from.export_call;
    }
    for (name, f) in from.other {
        match into.other.get_mut(&name) {
            Some(i) => i.cells.extend(f.cells),
            None => {
                into.other.insert(name, f);
            }
        }
    }
}

fn record(r: &ResultsFile) -> MergedRun {
    MergedRun {
        run_id: r.run_id.clone(),
        shard: r.shard.clone(),
        hostname: r.environment.hostname.clone(),
        cpu_model: r.environment.cpu_model.clone(),
        logical_cores: r.environment.logical_cores,
    }
}

pub fn merge(inputs: &[PathBuf]) -> Result<ResultsFile> {
    if inputs.len() < 2 {
        bail!("merge needs at least two results files");
    }
    let runs: Vec<ResultsFile> = inputs.iter().map(|p| ResultsFile::load(p)).collect::<Result<_>>()?;
    let first = &runs[0];
    let corpus = |r: &ResultsFile| r.corpus.as_ref().map(|c| c.manifest_sha256.clone());
    for (r, path) in runs.iter().zip(inputs).skip(1) {
        if r.schema_version != first.schema_version {
            bail!(
                "mixed schemas: {} has version {}, {} has version {}",
                inputs[0].display(),
                first.schema_version,
                path.display(),
                r.schema_version
            );
        }
        if corpus(r) != corpus(first) {
            bail!(
                "mixed corpora: {} ran corpus {:?}, {} ran corpus {:?} (manifest sha256)",
                inputs[0].display(),
                corpus(first),
                path.display(),
                corpus(r)
            );
        }
        // Shards may scale their time caps differently (--time-budget); the profile must match.
        if r.profile.name != first.profile.name || r.profile.sizes != first.profile.sizes {
            bail!(
                "mixed profiles: {} ran {:?} {:?}, {} ran {:?} {:?}",
                inputs[0].display(),
                first.profile.name,
                first.profile.sizes,
                path.display(),
                r.profile.name,
                r.profile.sizes
            );
        }
    }
    // A cell measured by two inputs is a sharding mistake: refuse rather than pick one.
    let mut seen = BTreeSet::new();
    for (r, path) in runs.iter().zip(inputs) {
        for c in crate::extract::extract(r) {
            if !seen.insert(c.key.clone()) {
                bail!("{} is in more than one input (again in {}); merge joins disjoint shards", c.key, path.display());
            }
        }
    }
    let mut out = first.clone();
    out.merged_from = runs.iter().map(record).collect();
    out.run_id = format!("merged-{}", first.run_id);
    out.shard = None;
    out.scenarios = Scenarios::default();
    for r in runs {
        for e in r.engines {
            if !out.engines.iter().any(|x| x.id == e.id) {
                out.engines.push(e);
            }
        }
        for s in r.scenarios_selected {
            if !out.scenarios_selected.contains(&s) {
                out.scenarios_selected.push(s);
            }
        }
        out.complete &= r.complete;
        if r.finished_at > out.finished_at {
            out.finished_at = r.finished_at;
        }
        join(&mut out.scenarios, r.scenarios);
    }
    out.analyze();
    results::virtual_best::analyze_file(&mut out);
    Ok(out)
}
