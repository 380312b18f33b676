//! Component hosts: what a driver that hosts WebAssembly components gives the `component-calls`
//! scenario. A component host loads a component of the `wasmgauge:plugin` world
//! (`workloads/components/wit/plugin.wit`) into a fresh store with a WASI 0.2 context and the
//! host's `tick`, and calls its exports through typed bindings ([`Plugin`]). The functions'
//! native twins, which every call is checked against, are in [`reference`]. A component of any
//! world (`run --component`) is loaded through [`ComponentHost::compile_any`] and called by
//! name with arguments and results in WAVE text ([`AnyComponent`]). A host on the far side of a
//! pipe (V8 in Node.js) times batches where it runs them ([`FarCalls`], [`FarInstances`]): each
//! timed call is described as data ([`Call`]), with the native answer it is checked against.
pub mod reference;

use anyhow::Result;
use reference::{Picture, Point, Shape};

/// An engine that hosts components (declared in the subject registry as `components`).
pub trait ComponentHost {
    /// Compiles a component of the `wasmgauge:plugin` world and links its imports (WASI 0.2,
    /// the host's `tick`) once, for any number of instances.
    fn compile_plugin(&self, component: &[u8]) -> Result<Box<dyn CompiledPlugin + '_>>;

    /// Loads a plugin from an artifact [`CompiledPlugin::serialize`] made on this same
    /// configuration (the later processes of a cell in rounds), linked as `compile_plugin` links.
    fn load_plugin(&self, artifact: &[u8]) -> Result<Box<dyn CompiledPlugin + '_>>;

    /// Compiles a component of any world, for calls by name (`run --component --invoke`).
    fn compile_any(&self, component: &[u8]) -> Result<Box<dyn AnyComponent + '_>>;

    /// Runs a `wasi:cli/run` command component once per request (`run --component --wasi`),
    /// with WASI 0.2: compile, load its artifact, then per run a fresh store, WASI context and
    /// instance and `run`, each phase timed as a WASI preview 1 command's ([`crate::wasi`]).
    fn run_command(
        &self,
        component: &[u8],
        requests: &[crate::wasi::WasiRequest],
        compile_once: bool,
    ) -> Vec<crate::wasi::WasiRunOutcome>;
}

/// Why a host refused a user's component or call: the input's fault (a world the host cannot
/// satisfy, no such export, arguments that do not match the function's type), not the
/// engine's. The command reports it in one line and exits 1; an engine failure is a failed cell.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// A compiled component of any world, its imports linked (WASI 0.2 and what else the host has).
pub trait AnyComponent {
    /// A fresh instance (fresh store, fresh WASI 0.2 context) with `call` ready: a WAVE
    /// function call, `name(arg, ...)`, whose name is an exported function's, either plain
    /// (`noop`, found in the component's exports and its exported instances; it must be
    /// unique) or qualified by its interface (`wasmgauge:plugin/calls@0.1.0#noop`). Input
    /// errors are [`Refused`].
    fn prepare(&self, call: &str) -> Result<Box<dyn PreparedCall + '_>>;
}

/// A function call on an instance, its arguments parsed and type-checked.
pub trait PreparedCall {
    /// Calls it; the first call's results are the answer, and a later call whose results
    /// differ from them is an error.
    fn call(&mut self) -> Result<()>;
    /// The first call's results, one WAVE text per result (empty before the first call).
    fn answer(&self) -> Vec<String>;
}

/// A compiled, linked plugin component.
pub trait CompiledPlugin {
    /// A new instance in a fresh store with a fresh WASI 0.2 context.
    fn instantiate(&self) -> Result<Box<dyn Plugin + '_>>;
    /// The runtime's ahead-of-time artifact of the compiled component.
    fn serialize(&self) -> Result<Vec<u8>>;
    /// For a host in another process: its own timing of fresh instances (see [`FarInstances`]).
    /// `None` (every in-process host): the harness times [`CompiledPlugin::instantiate`] here.
    fn far(&self) -> Option<&dyn FarInstances> {
        None
    }
}

/// Fresh instances timed where the host runs (V8 in Node.js), so that no pipe round trip lands
/// in the figure.
pub trait FarInstances {
    /// The time of `iters` fresh instances (each with a fresh WASI 0.2 context), each followed
    /// by its first call (`noop`) when `first_call` is set; each instance is then let go.
    fn time_instances(&self, iters: u64, first_call: bool) -> Result<u64>;
}

/// One timed call of the plugin interface, as data: the function, its arguments and the native
/// answer (from [`reference`]) it is checked against, so that a host in another process can run
/// a batch of it where it is timed ([`FarCalls`]). Checked as the harness checks it here: an
/// exact answer on every call; a string's length and a list's length (and checksum) on every
/// call, and the whole of the last call's output after every batch, outside the clock.
#[derive(Clone, Copy, Debug)]
pub enum Call<'a> {
    /// No call: the batch loop alone, which calibrates a far host's loop as
    /// [`crate::sampler::Sampler::new`] calibrates the harness's own.
    Empty,
    /// `calls.noop`.
    Noop,
    /// `calls.scalars(a, b, c, d)`.
    Scalars {
        /// The arguments.
        args: (u32, u64, f32, f64),
        /// The native answer.
        expected: f64,
    },
    /// `calls.swap-case(text)`.
    SwapCase {
        /// The argument.
        text: &'a str,
        /// The native answer.
        expected: &'a str,
    },
    /// `calls.invert(data)`.
    Invert {
        /// The argument.
        data: &'a [u8],
        /// The native checksum.
        sum: i64,
        /// The native bytes.
        expected: &'a [u8],
    },
    /// `calls.mirror(point)`.
    Mirror {
        /// The argument.
        point: &'a Point,
        /// The native answer.
        expected: &'a Point,
    },
    /// `calls.area(shape)`.
    Area {
        /// The argument.
        shape: Shape,
        /// The native answer.
        expected: &'a Result<f64, String>,
    },
    /// A counter's whole lifetime: constructed with `start`, `add(add)`, dropped.
    CounterLifetime {
        /// The constructor's argument.
        start: u64,
        /// `add`'s argument.
        add: u64,
        /// The native answer of `add`.
        expected: u64,
    },
    /// `counter.add(1)` on a counter the host holds, which started at `start`: each call's
    /// answer is checked against the running count.
    CounterAdd {
        /// The counter.
        counter: Handle,
        /// Its value when the benchmark starts.
        start: u64,
    },
    /// `calls.call-host(n)`: n guest->host calls of `tick`.
    CallHost {
        /// Host calls per guest call.
        n: u32,
        /// The native answer.
        expected: u64,
    },
    /// `image.grayscale(image)`.
    Grayscale {
        /// The argument.
        image: &'a Picture,
        /// The native answer.
        expected: &'a Picture,
    },
    /// `image.resize(image, width, height)`.
    Resize {
        /// The argument.
        image: &'a Picture,
        /// The target size.
        size: (u32, u32),
        /// The native answer.
        expected: &'a Picture,
    },
}

/// Batches of calls timed where the host runs (V8 in Node.js): a call's arguments and answers
/// cross the pipe once, when it is prepared; each batch is then timed and checked there.
pub trait FarCalls {
    /// Sends `call` to the host; returns the prepared call's id.
    fn prepare(&mut self, call: &Call) -> Result<u64>;
    /// The time of `iters` calls of a prepared call, each checked (see [`Call`]).
    fn time(&mut self, prepared: u64, iters: u64) -> Result<u64>;
}

/// A resource handle the host holds (of `calls.counter`), as the host's bindings give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle(pub u32);

/// One plugin instance, called through the host's typed bindings of `wasmgauge:plugin`.
/// Each method is one call of the WIT function of the same name.
pub trait Plugin {
    /// `calls.noop`.
    fn noop(&mut self) -> Result<()>;
    /// `calls.scalars`.
    fn scalars(&mut self, a: u32, b: u64, c: f32, d: f64) -> Result<f64>;
    /// `calls.swap-case`.
    fn swap_case(&mut self, s: &str) -> Result<String>;
    /// `calls.invert`.
    fn invert(&mut self, data: &[u8]) -> Result<(i64, Vec<u8>)>;
    /// `calls.mirror`.
    fn mirror(&mut self, p: &reference::Point) -> Result<reference::Point>;
    /// `calls.area`.
    fn area(&mut self, s: reference::Shape) -> Result<Result<f64, String>>;
    /// `calls.counter`'s constructor.
    fn counter_new(&mut self, start: u64) -> Result<Handle>;
    /// `calls.counter.add`.
    fn counter_add(&mut self, counter: Handle, n: u64) -> Result<u64>;
    /// Drops the counter (the guest's destructor runs).
    fn counter_drop(&mut self, counter: Handle) -> Result<()>;
    /// `calls.call-host`.
    fn call_host(&mut self, n: u32) -> Result<u64>;
    /// `image.resize`.
    fn resize(&mut self, img: &reference::Picture, width: u32, height: u32) -> Result<reference::Picture>;
    /// `image.grayscale`.
    fn grayscale(&mut self, img: &reference::Picture) -> Result<reference::Picture>;
    /// For a host in another process: batches timed there (see [`FarCalls`]). `None` (every
    /// in-process host): the harness times the methods above here.
    fn far(&mut self) -> Option<&mut dyn FarCalls> {
        None
    }
}
