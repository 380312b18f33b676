//! The in-driver half of the paired gate (`wasmgauge gate --paired`): baseline and candidate
//! measured side by side in interleaved rounds (ABBA, then BAAB, ...), so machine drift hits
//! both alike. Two guest modules are two [`LocalSide`]s in one driver process ([`measure`]);
//! two driver builds (e.g. two runtime versions) are each a driver started with `probe`
//! ([`probe_main`]), driven round by round by the orchestrator, which runs the same [`abba`].
//! The decision is the gate's (per-round log ratios against the threshold).
use crate::executor::export_call::ExportCallExecutor;
use crate::executor::{Executor, WorkloadCode};
use crate::sampler::{Sampler, WarmUp, batch_iters, executor_batch};
use crate::subject::SubjectEntry;
use anyhow::{Context, Result, anyhow, bail};
pub use protocol::paired::{PairedJob, PairedMeasurement, SideSpec};

/// One side of a paired measurement.
pub trait Side {
    /// Compiles and instantiates afresh (and warms up); the first call sizes the batches.
    fn prepare(&mut self) -> Result<()>;
    /// Times one batch; returns the calibrated time per call.
    fn batch(&mut self) -> Result<f64>;
    /// Calls checked so far.
    fn verified(&mut self) -> Result<u64>;
}

/// A side measured in this process. Every preparation compiles and instantiates afresh, so
/// where the runtime places code and data is re-drawn each round instead of favouring one side
/// for the whole run: with one instance per side, two identical modules measured 5% apart on
/// wasmi; with a fresh instance that simply reused the memory its predecessor freed, 5.5% apart
/// on wasmi-lazy, every time. So the new instance is built while the old one is still alive,
/// behind a heap padding of pseudo-random size, and only then is the old one dropped. Every
/// call is checked against the first answer.
pub struct LocalSide {
    table: &'static [SubjectEntry],
    spec: SideSpec,
    wasm: Vec<u8>,
    sampler: Sampler,
    exec: Option<ExportCallExecutor>,
    /// Shifts the heap by a different amount each preparation (kept alive with the instance).
    padding: Vec<u8>,
    /// xorshift state for the padding sizes.
    seed: u64,
    answer: Option<u64>,
    iters: u64,
    verified: u64,
}

impl LocalSide {
    /// A side over `spec`, its module read and its sampler calibrated.
    pub fn new(table: &'static [SubjectEntry], spec: SideSpec) -> Result<LocalSide> {
        let path = &spec.module;
        let wasm = wat::parse_file(path).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?;
        // Seeded from the clock: the point is a different placement every run, not a fixed one.
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        let seed = (nanos ^ (u64::from(std::process::id()) << 32)) | 1;
        Ok(LocalSide {
            table,
            spec,
            wasm,
            sampler: Sampler::for_executors(),
            exec: None,
            padding: Vec::new(),
            seed,
            answer: None,
            iters: 0,
            verified: 0,
        })
    }
}

impl Side for LocalSide {
    fn prepare(&mut self) -> Result<()> {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        // Below glibc's mmap threshold, so it moves the heap the runtime allocates from next.
        let padding = vec![1u8; (self.seed % (96 << 10)) as usize & !63];
        let s = &self.spec;
        let subject = crate::subject::build(self.table, &s.engine, &s.options)?;
        let mut exec =
            ExportCallExecutor::new(subject.into_engine()?, &s.export, s.args.clone(), s.result_types.clone());
        exec.prepare(&WorkloadCode { name: &s.export, wasm: &self.wasm }, &[])
            .with_context(|| format!("preparing {}", s.module.display()))?;
        let answer = exec.call()?;
        self.verified += 1;
        match self.answer {
            Some(first) if first != answer => bail!("{} answered {answer:#x}, earlier {first:#x}", s.module.display()),
            Some(_) => {
                // A short warm-up of the fresh instance, untimed.
                let n = (self.iters / 4).max(1);
                exec.timed_calls(n, answer)?;
                self.verified += n;
            }
            None => {
                self.answer = Some(answer);
                let w = WarmUp { min_calls: 3, min_ms: s.warmup_ms, min_batch_ns: 0 };
                let warmed = self.sampler.warm_up(&mut executor_batch(&mut exec, answer), w)?;
                self.iters = batch_iters(warmed.per_call_ns, s.batch_ms);
                self.verified += warmed.calls;
            }
        }
        // Only now drop the previous instance (and padding), so the new one did not reuse them.
        self.exec = Some(exec);
        self.padding = std::hint::black_box(padding);
        Ok(())
    }

    fn batch(&mut self) -> Result<f64> {
        let (Some(exec), Some(answer)) = (self.exec.as_mut(), self.answer) else { bail!("batch before prepare") };
        let ns = exec.timed_calls(self.iters, answer)?;
        self.verified += self.iters;
        Ok(self.sampler.calibration.per_call_ns(ns, self.iters))
    }

    fn verified(&mut self) -> Result<u64> {
        Ok(self.verified)
    }
}

/// The rounds: both sides prepared afresh (alternating which goes first), then timed ABBA or
/// BAAB.
pub fn abba(sides: &mut [Box<dyn Side>; 2], rounds: usize) -> Result<PairedMeasurement> {
    let mut m = PairedMeasurement { log_ratios: vec![], a_ns: vec![], b_ns: vec![], verified_calls: 0 };
    for round in 0..rounds.max(2) {
        let first = round % 2;
        sides[first].prepare()?;
        sides[1 - first].prepare()?;
        let order: [usize; 4] = if first == 0 { [0, 1, 1, 0] } else { [1, 0, 0, 1] };
        let mut sums = [0.0f64; 2];
        for side in order {
            let per_call = sides[side].batch()?;
            sums[side] += per_call;
            if side == 0 { &mut m.a_ns } else { &mut m.b_ns }.push(per_call);
        }
        m.log_ratios.push((sums[1] / sums[0]).ln());
    }
    m.verified_calls = sides[0].verified()? + sides[1].verified()?;
    Ok(m)
}

/// Runs a paired job of two modules here (in a driver).
pub fn measure(table: &'static [SubjectEntry], job: &PairedJob) -> Result<PairedMeasurement> {
    let mut sides: [Box<dyn Side>; 2] = [
        Box::new(LocalSide::new(table, job.side(&job.modules[0]))?),
        Box::new(LocalSide::new(table, job.side(&job.modules[1]))?),
    ];
    abba(&mut sides, job.rounds)
}

/// `<driver> probe`: one side of a paired gate between two driver builds. Reads a
/// [`SideSpec`] line, then answers `prepare` (`ok`), `batch` (ns per call) and `verified`
/// (calls checked) one line each; `error <message>` on failure.
pub fn probe_main(table: &'static [SubjectEntry]) -> Result<()> {
    use std::io::{BufRead, Write};
    protocol::client::die_with_parent();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let spec: SideSpec = serde_json::from_str(&lines.next().context("no side spec on stdin")??)?;
    let mut side = LocalSide::new(table, spec)?;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let reply = match line?.trim() {
            "prepare" => side.prepare().map(|_| "ok".to_string()),
            "batch" => side.batch().map(|ns| ns.to_string()),
            "verified" => side.verified().map(|n| n.to_string()),
            other => Err(anyhow!("unknown command `{other}`")),
        };
        match reply {
            Ok(r) => writeln!(out, "{r}")?,
            Err(e) => {
                writeln!(out, "error {e:#}")?;
                out.flush()?;
                std::process::exit(1);
            }
        }
        out.flush()?;
    }
    Ok(())
}
