//! tinywasm's conformance [`Session`]: one `Store`, the `spectest` host module and registered
//! instances linked through an `Imports` set, and the sandbox's limits enforced with what
//! tinywasm gives an embedder: a memory backend that refuses to grow past the cap, and
//! resumable calls (`call_resumable`) run in fuel slices, with the deadline checked between
//! slices. Tables cannot be capped through tinywasm's API.

use measure::host;
use measure::kit::session::{Arena, check_arity, no_export, no_export_because};
use measure::session::{
    Enforcement, Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value,
    classify_compile, limits_in_force, spectest,
};
use std::time::{Duration, Instant};
use tinywasm::engine::{Config, LinearMemory, MemoryBackend, VecMemory};
use tinywasm::parser::{Parser, ParserOptions};
use tinywasm::types::{
    ExternRef, ExternalKind, FuncRef, FuncType, GlobalType, MemoryType, TableType, WasmType, WasmValue,
};
use tinywasm::{ExecProgress, Function, Global, HostFunction, Imports, Memory, ModuleInstance, Store, Table, Trap};

/// Instructions run between two looks at the fuel budget and the deadline: small enough that
/// a guest looping on a slow host call is stopped within a few slices of its deadline.
const SLICE: u32 = 256;

pub(crate) struct TinywasmSession {
    store: Store,
    imports: Imports,
    /// Modules, and instances with the index of the module each was made from.
    arena: Arena<tinywasm::Module, (ModuleInstance, ModuleId)>,
    /// Each instance with the index of its module (tinywasm's function handles do not show
    /// their type; the module's export and type tables do).
    limits: SessionLimits,
}

/// A linear memory that refuses to be created or grown past `cap` bytes: `memory.grow` then
/// returns -1, and a module whose initial memory is over the cap is not instantiated.
struct CappedMemory {
    inner: VecMemory,
    cap: usize,
}

impl LinearMemory for CappedMemory {
    fn len(&self) -> usize {
        self.inner.len()
    }

    fn grow_to(&mut self, new_len: usize) -> Result<(), Trap> {
        if new_len > self.cap {
            return Err(Trap::OutOfMemory);
        }
        self.inner.grow_to(new_len)
    }

    fn read(&self, addr: usize, dst: &mut [u8]) -> usize {
        self.inner.read(addr, dst)
    }

    fn write(&mut self, addr: usize, src: &[u8]) -> usize {
        self.inner.write(addr, src)
    }

    fn read_exact(&self, addr: usize, dst: &mut [u8]) -> Option<()> {
        self.inner.read_exact(addr, dst)
    }
}

fn config(limits: &SessionLimits) -> Config {
    let Some(cap) = limits.max_memory_bytes else { return Config::new() };
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    Config::new().with_memory_backend(MemoryBackend::custom(move |ty: MemoryType| {
        let initial = usize::try_from(ty.initial_size()).unwrap_or(usize::MAX);
        if initial > cap {
            return Err(tinywasm::Error::Other(format!(
                "memory limit: initial memory of {initial} bytes is over the cap of {cap} bytes"
            )));
        }
        Ok(CappedMemory { inner: VecMemory::try_new(initial)?, cap })
    }))
}

fn wasm_type(c: char) -> WasmType {
    match c {
        'i' => WasmType::I32,
        'I' => WasmType::I64,
        'f' => WasmType::F32,
        _ => WasmType::F64,
    }
}

pub(crate) fn new(limits: &SessionLimits) -> anyhow::Result<Box<dyn measure::session::Session>> {
    let mut store = Store::new(tinywasm::Engine::new(config(limits)));
    let mut imports = Imports::new();
    let m = spectest::MODULE;
    for (name, params) in spectest::PRINTS {
        let params: Vec<WasmType> = params.chars().map(wasm_type).collect();
        let print = HostFunction::from_untyped(&mut store, &FuncType::new(&params, &[]), |_, _| Ok(Vec::new()));
        imports.define(m, name, print);
    }
    let globals = [
        ("global_i32", WasmValue::I32(spectest::GLOBAL_I32)),
        ("global_i64", WasmValue::I64(spectest::GLOBAL_I64)),
        ("global_f32", WasmValue::F32(spectest::GLOBAL_F32)),
        ("global_f64", WasmValue::F64(spectest::GLOBAL_F64)),
    ];
    for (name, v) in globals {
        let g = Global::new(&mut store, GlobalType::new(WasmType::from(v), false), v).map_err(anyhow_of)?;
        imports.define(m, name, g);
    }
    let table_ty =
        TableType::new(WasmType::RefFunc, u64::from(spectest::TABLE_MIN), Some(u64::from(spectest::TABLE_MAX)));
    let table = Table::new(&mut store, table_ty, WasmValue::RefFunc(FuncRef::null())).map_err(anyhow_of)?;
    imports.define(m, "table", table);
    let memory_ty = MemoryType::default()
        .with_page_count_initial(u64::from(spectest::MEMORY_MIN_PAGES))
        .with_page_count_max(Some(u64::from(spectest::MEMORY_MAX_PAGES)));
    let memory = Memory::new(&mut store, memory_ty).map_err(anyhow_of)?;
    imports.define(m, "memory", memory);
    let sleep = HostFunction::from(&mut store, |_, ms: i32| {
        host::sleep_ms(ms);
        Ok(())
    });
    imports.define(host::SANDBOX_MODULE, host::SLEEP_MS, sleep);
    let read_guest = HostFunction::from(&mut store, |ctx: tinywasm::FuncContext<'_>, (ptr, len): (i32, i32)| {
        let memory = ctx
            .memory("memory")
            .map_err(|_| tinywasm::Error::Other("read_guest: the caller exports no memory".into()))?;
        let size = memory.len(ctx.store())?;
        let range = host::guest_range(ptr, len, size).map_err(tinywasm::Error::Other)?;
        let bytes = memory.read_vec(ctx.store(), range.start, range.len())?;
        Ok(host::byte_sum(&bytes))
    });
    imports.define(host::SANDBOX_MODULE, host::READ_GUEST, read_guest);
    Ok(Box::new(TinywasmSession { store, imports, arena: Arena::default(), limits: *limits }))
}

fn anyhow_of(e: tinywasm::Error) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn trap_failure(t: &Trap) -> Failure {
    let message = format!("trap: {t}");
    match t {
        Trap::CallStackOverflow | Trap::ValueStackOverflow => Failure::new(FailureClass::Exhaustion, message),
        Trap::OutOfMemory => Failure::new(FailureClass::Limit, message),
        _ => Failure::new(FailureClass::Trap, message),
    }
}

/// A failure while linking, instantiating or running.
fn run_failure(e: tinywasm::Error) -> Failure {
    match &e {
        tinywasm::Error::Trap(t) => trap_failure(t),
        tinywasm::Error::Linker(_) => Failure::new(FailureClass::Link, e.to_string()),
        tinywasm::Error::UnsupportedFeature(_) => Failure::new(FailureClass::Unsupported, e.to_string()),
        tinywasm::Error::Other(m) if m.starts_with("memory limit") => Failure::new(FailureClass::Limit, e.to_string()),
        _ => Failure::new(FailureClass::Trap, e.to_string()),
    }
}

impl TinywasmSession {
    fn instance(&self, id: InstanceId) -> Result<&ModuleInstance, Failure> {
        self.arena.instance(id).map(|(i, _)| i)
    }

    /// The parameter types of an instance's exported function, from its module.
    fn params_of(&self, id: InstanceId, export: &str) -> Result<Vec<WasmType>, Failure> {
        let (_, module) = self.arena.instance(id)?;
        let module = self.arena.module(*module)?;
        let index = module
            .exports
            .iter()
            .find(|e| &*e.name == export && e.kind == ExternalKind::Func)
            .map(|e| e.index as usize)
            .ok_or_else(|| no_export("function", export))?;
        let ty = module
            .func_type_idxs
            .get(index)
            .and_then(|t| module.func_types.get(*t as usize))
            .ok_or_else(|| Failure::harness(format!("no type for exported function `{export}`")))?;
        Ok(ty.params().to_vec())
    }

    /// Calls `func` under the session's fuel budget and deadline, when it has them.
    fn call(&mut self, func: &Function, args: &[WasmValue]) -> Result<Vec<WasmValue>, Failure> {
        if self.limits.fuel.is_none() && self.limits.deadline.is_none() {
            return func.call(&mut self.store, args).map_err(run_failure);
        }
        let started = Instant::now();
        let deadline = self.limits.deadline;
        let mut fuel_left = self.limits.fuel.unwrap_or(u64::MAX);
        let mut execution = func.call_resumable(&mut self.store, args).map_err(run_failure)?;
        loop {
            let slice = u32::try_from(fuel_left.min(u64::from(SLICE))).unwrap_or(SLICE);
            match execution.resume_with_fuel(slice).map_err(run_failure)? {
                ExecProgress::Completed(values) => return Ok(values),
                ExecProgress::Suspended => {}
            }
            fuel_left = fuel_left.saturating_sub(u64::from(slice));
            if fuel_left == 0 {
                return Err(Failure::new(FailureClass::Interrupted, "all fuel consumed"));
            }
            if deadline.is_some_and(|d: Duration| started.elapsed() >= d) {
                return Err(Failure::new(
                    FailureClass::Interrupted,
                    "deadline passed (interrupted between fuel slices)",
                ));
            }
        }
    }

    fn arg_value(v: &Value, ty: &WasmType) -> Result<WasmValue, Failure> {
        Ok(match *v {
            Value::I32(x) => WasmValue::I32(x),
            Value::I64(x) => WasmValue::I64(x),
            Value::F32(b) => WasmValue::F32(f32::from_bits(b)),
            Value::F64(b) => WasmValue::F64(f64::from_bits(b)),
            Value::V128(b) => WasmValue::V128(b.to_le_bytes()),
            Value::Ref(RefValue::Null) => match ty {
                WasmType::RefFunc => WasmValue::RefFunc(FuncRef::null()),
                WasmType::RefExtern => WasmValue::RefExtern(ExternRef::null()),
                _ => return Err(Failure::harness("null reference passed for a number parameter")),
            },
            // tinywasm's external references are plain numbers the host chooses.
            Value::Ref(RefValue::Extern(Some(n))) => WasmValue::RefExtern(ExternRef::new(Some(n))),
            Value::Ref(other) => {
                return Err(Failure::new(FailureClass::Unsupported, format!("cannot pass {other:?} to tinywasm")));
            }
        })
    }

    fn our_value(v: &WasmValue) -> Value {
        match v {
            WasmValue::I32(x) => Value::I32(*x),
            WasmValue::I64(x) => Value::I64(*x),
            WasmValue::F32(x) => Value::F32(x.to_bits()),
            WasmValue::F64(x) => Value::F64(x.to_bits()),
            WasmValue::V128(b) => Value::V128(u128::from_le_bytes(*b)),
            WasmValue::RefFunc(r) if r.is_null() => Value::Ref(RefValue::Null),
            WasmValue::RefFunc(_) => Value::Ref(RefValue::Func),
            WasmValue::RefExtern(r) => match r.addr() {
                None => Value::Ref(RefValue::Null),
                Some(n) => Value::Ref(RefValue::Extern(Some(n))),
            },
        }
    }

    fn memory(&self, instance: InstanceId, export: &str) -> Result<Memory, Failure> {
        self.instance(instance)?.memory(export).map_err(|e| no_export_because("memory", export, e))
    }
}

impl Session for TinywasmSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<ModuleId, Failure> {
        // With a memory cap, memories are allocated at instantiation (tinywasm otherwise
        // allocates a memory at its first write, where a refusal would be a panic, not an error).
        let options =
            ParserOptions::default().with_local_memory_allocation_optimization(self.limits.max_memory_bytes.is_none());
        let module =
            Parser::with_options(options).parse_module_bytes(wasm).map_err(|e| classify_compile(e.to_string()))?;
        Ok(self.arena.add_module(module))
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure> {
        let index = module;
        let module = self.arena.module(index)?;
        let instance = ModuleInstance::instantiate_no_start(&mut self.store, module, Some(self.imports.clone()))
            .map_err(run_failure)?;
        // The start function runs under the same limits as any call.
        if let Some(start) = instance.start_func(&self.store).map_err(run_failure)? {
            self.call(&start, &[])?;
        }
        Ok(self.arena.add_instance((instance, index)))
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), Failure> {
        let instance = self.instance(instance)?.clone();
        self.imports.link_module(name, instance).map_err(Failure::harness)?;
        Ok(())
    }

    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let func = self
            .instance(instance)?
            .func_untyped(&self.store, export)
            .map_err(|e| no_export_because("function", export, e))?;
        let params = self.params_of(instance, export)?;
        check_arity(export, params.len(), args.len())?;
        let wargs = args.iter().zip(&params).map(|(a, t)| Self::arg_value(a, t)).collect::<Result<Vec<_>, _>>()?;
        let results = self.call(&func, &wargs)?;
        Ok(results.iter().map(Self::our_value).collect())
    }

    fn global(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure> {
        let v = self
            .instance(instance)?
            .global_get(&self.store, export)
            .map_err(|e| no_export_because("global", export, e))?;
        Ok(Self::our_value(&v))
    }

    fn memory_size(&mut self, instance: InstanceId, export: &str) -> Result<u64, Failure> {
        let m = self.memory(instance, export)?;
        Ok(m.len(&self.store).map_err(Failure::harness)? as u64)
    }

    fn read_memory(&mut self, instance: InstanceId, export: &str, offset: u64, len: usize) -> Result<Vec<u8>, Failure> {
        let m = self.memory(instance, export)?;
        m.read_vec(&self.store, offset as usize, len).map_err(Failure::harness)
    }

    fn limits_in_force(&self) -> Vec<(String, String)> {
        let mut out = limits_in_force(
            &self.limits,
            Enforcement {
                stack: "tinywasm default call stack of 1024 frames and fixed value stacks",
                caps: "a memory backend that refuses to create or grow a memory past the cap (memories allocated at instantiation)",
                counting: self.limits.fuel.is_some().then_some((
                    "resumable calls run in fuel slices of 256 instructions (`resume_with_fuel`), ",
                    "instructions",
                )),
                deadline: Some("checked between fuel slices of resumable calls"),
            },
        );
        // tinywasm cannot cap a table: say so instead of claiming the cap.
        out.retain(|(k, _)| k != "table");
        out
    }
}
