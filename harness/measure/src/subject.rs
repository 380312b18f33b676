//! What a driver measures ([`Subject`]: a WebAssembly configuration or one of the two
//! baselines) and the tables a driver declares its subjects in ([`SubjectEntry`] for
//! measuring, [`ConformanceEntry`] for the conformance side, kept apart so that a binary that
//! only measures does not link conformance code).
use crate::engine::{Conformance, Engine, EngineInfo, EngineOptions};
use crate::executor::native::{Kernels, NativeExecutor};
use crate::executor::subprocess::SubprocessExecutor;
use crate::executor::{Executor, wasm::WasmExecutor};
use anyhow::Result;

/// One subject, built with one set of options.
pub enum Subject {
    /// A WebAssembly runtime configuration.
    Wasm(Box<dyn Engine>),
    /// The workload's native code called in-process (no isolation).
    Native {
        /// What it is.
        info: EngineInfo,
        /// The native kernels it calls.
        kernels: &'static dyn Kernels,
    },
    /// The same native code in a child process (`wasmgauge-runner`), one pipe round trip per call.
    Subprocess {
        /// What it is.
        info: EngineInfo,
    },
}

impl Subject {
    /// What the subject is, with its knobs.
    pub fn info(&self) -> &EngineInfo {
        match self {
            Subject::Wasm(e) => e.info(),
            Subject::Native { info, .. } | Subject::Subprocess { info } => info,
        }
    }

    /// The engine of a WebAssembly subject; an error naming the subject for a baseline.
    pub fn engine(&self) -> Result<&dyn Engine> {
        match self {
            Subject::Wasm(e) => Ok(e.as_ref()),
            _ => anyhow::bail!("not applicable: `{}` is native code, not a WebAssembly engine", self.info().id),
        }
    }

    /// The workload-level executor of this subject.
    pub fn executor(&self) -> Box<dyn Executor + '_> {
        match self {
            Subject::Wasm(engine) => Box::new(WasmExecutor::new(engine.as_ref())),
            Subject::Native { kernels, .. } => Box::new(NativeExecutor::new(*kernels)),
            Subject::Subprocess { .. } => Box::new(SubprocessExecutor::default()),
        }
    }

    /// [`Subject::engine`], owned.
    pub fn into_engine(self) -> Result<Box<dyn Engine>> {
        match self {
            Subject::Wasm(e) => Ok(e),
            other => anyhow::bail!("not applicable: `{}` is native code, not a WebAssembly engine", other.info().id),
        }
    }
}

/// One line of a driver's subject table.
pub struct SubjectEntry {
    /// The subject's id.
    pub id: &'static str,
    /// Builds it with the options.
    pub make: fn(&EngineOptions) -> Result<Subject>,
}

/// One line of a driver's conformance table.
pub struct ConformanceEntry {
    /// The configuration's id.
    pub id: &'static str,
    /// Builds its conformance side with the options.
    pub make: fn(&EngineOptions) -> Result<Box<dyn Conformance>>,
}

/// Builds subject `id` from a driver's table.
pub fn build(table: &[SubjectEntry], id: &str, options: &EngineOptions) -> Result<Subject> {
    match table.iter().find(|e| e.id == id) {
        Some(e) => (e.make)(options),
        None => anyhow::bail!(
            "this driver has no subject `{id}`; it has: {}",
            table.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A configuration's id in a driver: the base name, plus the driver's id suffix (`@36` for a
/// second version of a runtime; empty for its default), which the shared build script passes
/// on from the driver's manifest as `WG_ID_SUFFIX`.
#[macro_export]
macro_rules! subject_id {
    ($base:literal) => {
        concat!($base, env!("WG_ID_SUFFIX"))
    };
}

/// Both tables of a runtime driver from one list, `"id" => adapter`, in registry order: each
/// adapter module has `fn engine(&EngineOptions) -> Result<E>` where `E` implements
/// [`crate::engine::Engine`] and [`crate::engine::Conformance`]. Defines `SUBJECTS` and
/// `CONFORMANCE`. A driver whose configurations have no conformance side (no spec-test session,
/// no WASI layer: the registry declares them without `conformance`) starts the list with
/// `measure_only;`: its adapters implement [`crate::engine::Engine`] only and its
/// `CONFORMANCE` table is empty, so a conformance request says so.
#[macro_export]
macro_rules! subject_tables {
    (measure_only; $($id:literal => $adapter:ident),* $(,)?) => {
        /// Every configuration of this driver, in registry order.
        pub static SUBJECTS: &[$crate::subject::SubjectEntry] = &[$($crate::subject::SubjectEntry {
            id: $crate::subject_id!($id),
            make: |o| Ok($crate::subject::Subject::Wasm(Box::new($adapter::engine(o)?))),
        }),*];
        /// No configuration of this driver has a conformance side.
        pub static CONFORMANCE: &[$crate::subject::ConformanceEntry] = &[];
    };
    ($($id:literal => $adapter:ident),* $(,)?) => {
        /// Every configuration of this driver, in registry order.
        pub static SUBJECTS: &[$crate::subject::SubjectEntry] = &[$($crate::subject::SubjectEntry {
            id: $crate::subject_id!($id),
            make: |o| Ok($crate::subject::Subject::Wasm(Box::new($adapter::engine(o)?))),
        }),*];
        /// The conformance side of each configuration.
        pub static CONFORMANCE: &[$crate::subject::ConformanceEntry] = &[$($crate::subject::ConformanceEntry {
            id: $crate::subject_id!($id),
            make: |o| Ok(Box::new($adapter::engine(o)?)),
        }),*];
    };
}
