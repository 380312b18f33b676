//! What is measured, apart from how samples are taken ([`crate::sampler`]): the seam
//! criterion's `Measurement` trait draws. Three measurements stand behind it:
//!
//! - [`WallClock`]: nanoseconds of the monotonic clock in this process. Every in-process timing
//!   of the harness reads the clock through [`time`], [`time_batch`] or [`Laps`], so there is one
//!   place that decides how a duration is taken.
//! - [`EngineClock`]: a configuration's own clock. For an engine in this process it is the wall
//!   clock; for one in another process (V8 in Node.js) it is the time the engine measured on its
//!   side (`Engine::remote_ns`, and `Instance::timed_run` for a batch of calls), so no pipe round
//!   trip lands in a figure.
//! - [`instructions`]: counted by Valgrind's callgrind over one function, read back from its
//!   dumps after the driver process ends; nothing in the process reads them. A suite's
//!   region is counted between the two [`bench_marks`] instead.
//!
//! A batch of calls reports one value in its measurement's unit; the sampler never looks at a
//! clock itself, except for the wall-time caps that bound how long it samples.
pub mod bench_marks;
pub mod instructions;

use anyhow::Result;
use std::time::Instant;

/// One kind of measurement: its value is taken from [`Measurement::start`] to
/// [`Measurement::end`].
pub trait Measurement {
    /// What `start` hands to `end`.
    type Start;
    /// The unit of a value (`ns`).
    const UNIT: &'static str;
    /// Starts measuring.
    fn start(&self) -> Self::Start;
    /// The value since `start`.
    fn end(&self, start: Self::Start) -> u64;
}

/// The monotonic clock of this process, in nanoseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct WallClock;

impl Measurement for WallClock {
    type Start = Instant;
    const UNIT: &'static str = "ns";

    #[inline(always)]
    fn start(&self) -> Instant {
        Instant::now()
    }

    #[inline(always)]
    fn end(&self, start: Instant) -> u64 {
        start.elapsed().as_nanos() as u64
    }
}

/// Something that times its own operations on the far side of a process boundary (an engine in
/// another process): what its last operation took there, or `None` when it runs here.
pub trait FarClock {
    /// The far side's time of the last operation, in nanoseconds.
    fn far_ns(&self) -> Option<u64>;
}

/// A configuration's clock: the time its engine measured on its side when it runs in another
/// process, else the wall clock here.
pub struct EngineClock<'e, E: FarClock + ?Sized>(pub &'e E);

impl<E: FarClock + ?Sized> Measurement for EngineClock<'_, E> {
    type Start = Instant;
    const UNIT: &'static str = "ns";

    fn start(&self) -> Instant {
        WallClock.start()
    }

    fn end(&self, start: Instant) -> u64 {
        let here = WallClock.end(start);
        self.0.far_ns().unwrap_or(here)
    }
}

/// Runs `body` once under `m`; returns its result and the value.
#[inline(always)]
pub fn measure<M: Measurement, R>(m: &M, body: impl FnOnce() -> R) -> (R, u64) {
    let start = m.start();
    let out = body();
    (out, m.end(start))
}

/// Runs `body` once; returns its result and the nanoseconds it took.
#[inline(always)]
pub fn time<R>(body: impl FnOnce() -> R) -> (R, u64) {
    measure(&WallClock, body)
}

/// Times `iters` runs of `call` as one batch; the first error ends the batch. Generic, so each
/// caller's loop compiles to a monomorphic one (the adapters' typed call paths use it).
#[inline(always)]
pub fn time_batch(iters: u64, mut call: impl FnMut() -> Result<()>) -> Result<u64> {
    let start = WallClock.start();
    for _ in 0..iters {
        call()?;
    }
    Ok(WallClock.end(start))
}

/// Consecutive phases timed back to back: each [`Laps::lap`] is the time since the previous
/// one (or since [`Laps::start`]), so the phases add up to the whole.
pub struct Laps {
    last: Instant,
    first: Instant,
}

impl Laps {
    /// Starts the first phase.
    pub fn start() -> Laps {
        let now = WallClock.start();
        Laps { last: now, first: now }
    }

    /// Ends the current phase and starts the next; returns the phase's nanoseconds.
    pub fn lap(&mut self) -> u64 {
        let now = WallClock.start();
        let ns = now.duration_since(self.last).as_nanos() as u64;
        self.last = now;
        ns
    }

    /// Nanoseconds since [`Laps::start`].
    pub fn total(&self) -> u64 {
        WallClock.end(self.first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laps_add_up_to_the_whole() {
        let mut laps = Laps::start();
        let a = laps.lap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = laps.lap();
        assert!(b >= 2_000_000, "{b}");
        assert!(a + b <= laps.total());
    }

    #[test]
    fn a_batch_stops_at_the_first_error() {
        let mut n = 0;
        let err = time_batch(10, || {
            n += 1;
            if n == 3 { anyhow::bail!("third") } else { Ok(()) }
        });
        assert!(err.is_err());
        assert_eq!(n, 3);
    }
}
