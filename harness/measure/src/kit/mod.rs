//! What the runtime drivers share, so that a driver holds only what is specific to its
//! runtime: its adapters (one per configuration) and the few calls into its runtime's API.
//!
//! - [`Glue`] and [`KitInstance`]: the engine interface's `Instance` for any runtime that can
//!   look up an export, call a function with values in a slice and copy guest memory; the
//!   export table (lookups into [`FuncId`]s), the reused argument and result buffers, the
//!   arity check and the typed and dynamic call-overhead paths are the kit's.
//! - [`typed_micro!`](crate::typed_micro): the four typed call-overhead loops of
//!   `Instance::time_micro`, written once over a runtime's typed-function API.
//! - [`val_conversions!`](crate::val_conversions): the number conversions between the
//!   harness's [`Val`] and a runtime's value type.
//! - memory helpers ([`exported_memory`], [`read_bytes`], [`write_bytes`], [`memory_error`]):
//!   the messages every runtime gives for a module without memory or an access out of bounds.
//! - [`knobs`]: the knobs every configuration records, and their usual variants;
//!   [`measure_only`]: the options a configuration without a conformance side refuses.
//! - [`session`]: the arenas, arity checks and missing-export failures of conformance sessions.
//! - [`driver!`](crate::driver): a driver's subject and conformance tables and its `DRIVER`
//!   value from one list; every driver's executables are the two shared files
//!   `harness/drivers/main.rs` and `harness/drivers/once.rs`.
//!
//! The artifact-less default (`Engine::serialize` answers `None`, `deserialize` "not
//! available") and the default `Conformance::run_wasi` of a runtime without a WASI layer are
//! default methods of the engine interface itself ([`crate::engine`]).
pub mod knobs;
pub mod session;

use crate::engine::{
    CallPath, EngineOptions, FuncId, Instance, Limits, MicroCall, Val, check_limits, time_micro_dynamic,
};
use anyhow::{Result, anyhow, bail};

/// What a runtime's live instance provides for [`KitInstance`]: the calls into its own API.
pub trait Glue: 'static {
    /// The runtime's handle of an exported function.
    type Func;
    /// The runtime's value type.
    type Val;
    /// The harness's value as the runtime's (see [`val_conversions!`](crate::val_conversions)).
    fn to_runtime(v: &Val) -> Self::Val;
    /// The runtime's value as the harness's; an error for a value the harness does not carry.
    fn from_runtime(v: &Self::Val) -> Result<Val>;
    /// The exported function `name`, if there is one.
    fn export(&mut self, name: &str) -> Option<Self::Func>;
    /// Calls `func` with `args`. `results` holds one slot per expected result, typed as the
    /// caller's (some runtimes write each result in its slot's type); a runtime that returns
    /// its results instead replaces the slots (the kit checks their number).
    fn invoke(&mut self, func: &Self::Func, args: &[Self::Val], results: &mut Vec<Self::Val>) -> Result<()>;
    /// Copies `out.len()` bytes of the exported `memory` from `offset`.
    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()>;
    /// Copies `bytes` into the exported `memory` at `offset`.
    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()>;
    /// The typed path of the call-overhead loops ([`typed_micro!`](crate::typed_micro)); `None`
    /// when the runtime calls through values in a slice only (its typed path is the dynamic one).
    fn time_typed(&mut self, _call: MicroCall, _iters: u64) -> Option<Result<u64>> {
        None
    }
}

/// A live instance of any runtime with [`Glue`]: the engine interface's `Instance` for it.
pub struct KitInstance<G: Glue> {
    /// The runtime's instance (and its store).
    pub glue: G,
    funcs: Vec<G::Func>,
    args: Vec<G::Val>,
    results: Vec<G::Val>,
}

impl<G: Glue> KitInstance<G> {
    /// The kit's instance over a runtime's.
    pub fn new(glue: G) -> KitInstance<G> {
        KitInstance { glue, funcs: Vec::new(), args: Vec::new(), results: Vec::new() }
    }

    /// [`KitInstance::new`], boxed as the engine interface hands instances out.
    pub fn boxed(glue: G) -> Box<dyn Instance> {
        Box::new(Self::new(glue))
    }
}

impl<G: Glue> Instance for KitInstance<G> {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f = self.glue.export(export).ok_or_else(|| anyhow!("no exported function `{export}`"))?;
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        let f = self.funcs.get(func.0).ok_or_else(|| anyhow!("no function {} on this instance", func.0))?;
        self.args.clear();
        self.args.extend(args.iter().map(G::to_runtime));
        self.results.clear();
        self.results.extend(results.iter().map(G::to_runtime));
        self.glue.invoke(f, &self.args, &mut self.results)?;
        if self.results.len() != results.len() {
            bail!("the export returned {} values, expected {}", self.results.len(), results.len());
        }
        for (out, v) in results.iter_mut().zip(&self.results) {
            *out = G::from_runtime(v)?;
        }
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        self.glue.read_memory(offset, out)
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        self.glue.write_memory(offset, bytes)
    }

    fn time_micro(&mut self, call: MicroCall, path: CallPath, iters: u64) -> Result<u64> {
        if path == CallPath::Typed
            && let Some(timed) = self.glue.time_typed(call, iters)
        {
            return timed;
        }
        time_micro_dynamic(self, call, iters)
    }
}

/// The options a configuration without a conformance side or limits can take: none of the
/// sandbox limits, and no proposal set (its proposals are not switched per run).
pub fn measure_only(id: &str, options: &EngineOptions) -> Result<()> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    if options.features.is_some() {
        bail!("{id}: not available (no conformance side: its proposals are not switched per run)");
    }
    Ok(())
}

/// The exported memory, or the error every runtime gives for a module that exports none.
pub fn exported_memory<M>(memory: Option<M>) -> Result<M> {
    memory.ok_or_else(|| anyhow!("module exports no `memory`"))
}

/// Maps a runtime's memory-access error into the harness's message (`reading guest memory: ...`).
pub fn memory_error<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> anyhow::Error {
    move |e| anyhow!("{what} guest memory: {e}")
}

/// Copies `out.len()` bytes of `memory` from `offset`; out of bounds is an error.
pub fn read_bytes(memory: &[u8], offset: usize, out: &mut [u8]) -> Result<()> {
    let end = offset.checked_add(out.len()).filter(|&e| e <= memory.len());
    let src = end.map(|e| &memory[offset..e]).ok_or_else(|| anyhow!("reading guest memory: out of bounds"))?;
    out.copy_from_slice(src);
    Ok(())
}

/// Copies `bytes` into `memory` at `offset`; out of bounds is an error.
pub fn write_bytes(memory: &mut [u8], offset: usize, bytes: &[u8]) -> Result<()> {
    let len = memory.len();
    let end = offset.checked_add(bytes.len()).filter(|&e| e <= len);
    let dst = match end {
        Some(e) => &mut memory[offset..e],
        None => bail!("writing guest memory: out of bounds"),
    };
    dst.copy_from_slice(bytes);
    Ok(())
}

/// The typed call-overhead loops of `Instance::time_micro` over a runtime's typed-function API,
/// as an `Option<Result<u64>>` for [`Glue::time_typed`]: `|name| get` looks a typed function up
/// (its parameter and result types are inferred from the call), `|f, args| call` calls it with
/// the arguments as a tuple. Each arm is a monomorphic loop that checks every answer.
///
/// ```ignore
/// measure::typed_micro!(call, iters, |name| instance.get_typed_func(&mut *store, name), |f, args| f.call(&mut *store, args))
/// ```
#[macro_export]
macro_rules! typed_micro {
    ($call:expr, $iters:expr, |$name:ident| $get:expr, |$f:ident, $args:ident| $invoke:expr) => {{
        use $crate::engine::{MicroCall, timed_loop};
        let (call, iters): (MicroCall, u64) = ($call, $iters);
        let $name = call.export();
        let mut timed = || -> anyhow::Result<u64> {
            match call {
                MicroCall::Empty => {
                    let $f = $get?;
                    timed_loop(iters, (), || {
                        let $args = ();
                        Ok($invoke?)
                    })
                }
                MicroCall::Add4 { args: [a, b, c, d], expected } => {
                    let $f = $get?;
                    timed_loop(iters, expected, || {
                        let $args = std::hint::black_box((a, b, c, d));
                        Ok($invoke?)
                    })
                }
                MicroCall::HostLoop { n, expected } => {
                    let $f = $get?;
                    timed_loop(iters, expected, || {
                        let $args = std::hint::black_box(n);
                        Ok($invoke?)
                    })
                }
                MicroCall::Spin { n, expected } => {
                    let $f = $get?;
                    timed_loop(iters, expected, || {
                        let $args = std::hint::black_box(n);
                        Ok($invoke?)
                    })
                }
            }
        };
        Some(timed())
    }};
}

/// `fn to_runtime` and `fn from_runtime` of a [`Glue`] impl for a runtime value type with the
/// variants `I32`, `I64`, `F32`, `F64`: floats as the runtime holds them, given how to make one
/// from its bits (`f32::from_bits`, `wasmi::F32::from_bits`, or `bits` for a runtime that keeps
/// the bits) and read the bits back (`.to_bits()` on the held value, or `bits`).
#[macro_export]
macro_rules! val_conversions {
    ($val:path, floats: $from32:path, $from64:path) => {
        $crate::val_conversions!(@impl $val, |b| $from32(b), |b| $from64(b), |x| x.to_bits());
    };
    ($val:path, bits) => {
        $crate::val_conversions!(@impl $val, |b| b, |b| b, |x| *x);
    };
    (@impl $val:path, |$b32:ident| $to32:expr, |$b64:ident| $to64:expr, |$x:ident| $bits:expr) => {
        fn to_runtime(v: &$crate::engine::Val) -> $val {
            use $val as V;
            match *v {
                $crate::engine::Val::I32(x) => V::I32(x),
                $crate::engine::Val::I64(x) => V::I64(x),
                $crate::engine::Val::F32($b32) => V::F32($to32),
                $crate::engine::Val::F64($b64) => V::F64($to64),
            }
        }

        fn from_runtime(v: &$val) -> anyhow::Result<$crate::engine::Val> {
            use $val as V;
            #[allow(unreachable_patterns)]
            Ok(match v {
                V::I32(x) => $crate::engine::Val::I32(*x),
                V::I64(x) => $crate::engine::Val::I64(*x),
                V::F32($x) => $crate::engine::Val::F32($bits),
                V::F64($x) => $crate::engine::Val::F64($bits),
                _ => anyhow::bail!("unsupported result value (a reference or a vector)"),
            })
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_copies_check_their_bounds() {
        let mut memory = vec![0u8; 8];
        write_bytes(&mut memory, 6, &[1, 2]).unwrap();
        let mut out = [0u8; 2];
        read_bytes(&memory, 6, &mut out).unwrap();
        assert_eq!(out, [1, 2]);
        assert!(write_bytes(&mut memory, 7, &[1, 2]).unwrap_err().to_string().contains("out of bounds"));
        assert!(read_bytes(&memory, usize::MAX, &mut out).unwrap_err().to_string().contains("out of bounds"));
        assert_eq!(exported_memory::<u8>(None).unwrap_err().to_string(), "module exports no `memory`");
    }

    /// A runtime of plain Rust functions, to test the kit's instance without a runtime crate.
    struct Toy {
        memory: Vec<u8>,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum ToyVal {
        I32(i32),
        I64(i64),
        F32(f32),
        F64(f64),
    }

    impl Glue for Toy {
        type Func = fn(&[ToyVal]) -> Vec<ToyVal>;
        type Val = ToyVal;
        crate::val_conversions!(ToyVal, floats: f32::from_bits, f64::from_bits);

        fn export(&mut self, name: &str) -> Option<Self::Func> {
            match name {
                "add4" => Some(|a| {
                    let v = |i: usize| if let ToyVal::I64(x) = a[i] { x } else { 0 };
                    vec![ToyVal::I64(crate::micro::add4(v(0), v(1), v(2), v(3)))]
                }),
                "nothing" => Some(|_| vec![]),
                _ => None,
            }
        }

        fn invoke(&mut self, func: &Self::Func, args: &[ToyVal], results: &mut Vec<ToyVal>) -> Result<()> {
            *results = func(args);
            Ok(())
        }

        fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
            read_bytes(&self.memory, offset, out)
        }

        fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
            write_bytes(&mut self.memory, offset, bytes)
        }
    }

    #[test]
    fn the_kit_instance_calls_checks_arity_and_verifies_both_paths() {
        let mut i = KitInstance::new(Toy { memory: vec![0; 16] });
        assert!(i.func("missing").unwrap_err().to_string().contains("no exported function `missing`"));
        let f = i.func("add4").unwrap();
        let mut out = [Val::I64(0)];
        i.call(f, &[1, 2, 3, 4].map(Val::I64), &mut out).unwrap();
        assert_eq!(out[0], Val::I64(crate::micro::add4(1, 2, 3, 4)));
        let nothing = i.func("nothing").unwrap();
        let err = i.call(nothing, &[], &mut out).unwrap_err().to_string();
        assert!(err.contains("returned 0 values, expected 1"), "{err}");
        let right = crate::micro::add4(1, 2, 3, 4);
        // No typed path: both paths take the dynamic one, and both verify every answer.
        for path in [CallPath::Typed, CallPath::Dynamic] {
            i.time_micro(MicroCall::Add4 { args: [1, 2, 3, 4], expected: right }, path, 5).unwrap();
            let wrong = MicroCall::Add4 { args: [1, 2, 3, 4], expected: right + 1 };
            assert!(i.time_micro(wrong, path, 5).unwrap_err().to_string().contains("wrong answer"));
        }
        i.write_memory(3, &[9]).unwrap();
        let mut b = [0u8; 1];
        i.read_memory(3, &mut b).unwrap();
        assert_eq!(b, [9]);
    }

    #[test]
    fn conversions_keep_float_bits() {
        let nan = Val::F32(0x7fc0_0001);
        assert_eq!(Toy::from_runtime(&Toy::to_runtime(&nan)).unwrap(), nan);
        assert_eq!(Toy::to_runtime(&Val::F64(1.5f64.to_bits())), ToyVal::F64(1.5));
    }
}
