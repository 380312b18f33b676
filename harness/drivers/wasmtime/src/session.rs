//! Wasmtime's conformance [`Session`]: one `Store` and one `Linker` (with `spectest` defined and
//! registered instances added by name), store limits, fuel and an epoch ticker.

use anyhow::Result;
use measure::host;
use measure::kit::session::{Arena, check_arity, no_export};
use measure::session::{
    Enforcement, Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value,
    classify_compile, limits_in_force, spectest,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime as wt;

/// How often the epoch ticker advances the engine's epoch when a deadline is set.
const EPOCH_TICK: Duration = Duration::from_millis(5);

struct Data {
    limits: wt::StoreLimits,
}

pub(crate) struct WasmtimeSession {
    engine: wt::Engine,
    store: wt::Store<Data>,
    linker: wt::Linker<Data>,
    arena: Arena<wt::Module, wt::Instance>,
    limits: SessionLimits,
    fuel: bool,
    epochs: bool,
    stop_ticker: Arc<AtomicBool>,
}

impl Drop for WasmtimeSession {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}

pub(crate) fn new(
    engine: &wt::Engine,
    limits: &SessionLimits,
    fuel: bool,
    epochs: bool,
    threads: bool,
) -> Result<Box<dyn Session>> {
    let mut builder = wt::StoreLimitsBuilder::new();
    if let Some(bytes) = limits.max_memory_bytes {
        builder = builder.memory_size(bytes as usize);
    }
    if let Some(n) = limits.max_table_elements {
        builder = builder.table_elements(n as usize);
    }
    let mut store = wt::Store::new(engine, Data { limits: builder.build() });
    store.limiter(|d| &mut d.limits);
    if fuel {
        store.set_fuel(limits.fuel.unwrap_or(u64::MAX))?;
    }
    let stop_ticker = Arc::new(AtomicBool::new(false));
    if epochs {
        store.epoch_deadline_trap();
        store.set_epoch_deadline(u64::MAX / 2);
        if limits.deadline.is_some() {
            let (engine, stop) = (engine.clone(), stop_ticker.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            });
        }
    }
    let mut linker = wt::Linker::new(engine);
    linker.allow_shadowing(true);
    define_spectest(&mut linker, &mut store, engine, threads)?;
    Ok(Box::new(WasmtimeSession {
        engine: engine.clone(),
        store,
        linker,
        arena: Arena::default(),
        limits: *limits,
        fuel,
        epochs,
        stop_ticker,
    }))
}

fn define_spectest(
    linker: &mut wt::Linker<Data>,
    store: &mut wt::Store<Data>,
    engine: &wt::Engine,
    threads: bool,
) -> Result<()> {
    let m = spectest::MODULE;
    for (name, params) in spectest::PRINTS {
        let params: Vec<wt::ValType> = params
            .chars()
            .map(|c| match c {
                'i' => wt::ValType::I32,
                'I' => wt::ValType::I64,
                'f' => wt::ValType::F32,
                _ => wt::ValType::F64,
            })
            .collect();
        let ty = wt::FuncType::new(engine, params, []);
        linker.func_new(m, name, ty, |_, _, _| Ok(()))?;
    }
    let globals = [
        ("global_i32", wt::ValType::I32, wt::Val::I32(spectest::GLOBAL_I32)),
        ("global_i64", wt::ValType::I64, wt::Val::I64(spectest::GLOBAL_I64)),
        ("global_f32", wt::ValType::F32, wt::Val::F32(spectest::GLOBAL_F32.to_bits())),
        ("global_f64", wt::ValType::F64, wt::Val::F64(spectest::GLOBAL_F64.to_bits())),
    ];
    for (name, ty, val) in globals {
        let g = wt::Global::new(&mut *store, wt::GlobalType::new(ty, wt::Mutability::Const), val)?;
        linker.define(&mut *store, m, name, g)?;
    }
    let table_ty = wt::TableType::new(wt::RefType::FUNCREF, spectest::TABLE_MIN, Some(spectest::TABLE_MAX));
    let table = wt::Table::new(&mut *store, table_ty, wt::Ref::Func(None))?;
    linker.define(&mut *store, m, "table", table)?;
    let memory = wt::Memory::new(
        &mut *store,
        wt::MemoryType::new(spectest::MEMORY_MIN_PAGES, Some(spectest::MEMORY_MAX_PAGES)),
    )?;
    linker.define(&mut *store, m, "memory", memory)?;
    linker.func_wrap(host::SANDBOX_MODULE, host::SLEEP_MS, host::sleep_ms)?;
    linker.func_wrap(
        host::SANDBOX_MODULE,
        host::READ_GUEST,
        |mut caller: wt::Caller<'_, Data>, ptr: i32, len: i32| -> wt::Result<i32> {
            let memory = caller
                .get_export("memory")
                .and_then(|e| e.into_memory())
                .ok_or_else(|| wt::Error::msg("read_guest: the caller exports no memory"))?;
            let data = memory.data(&caller);
            let range = host::guest_range(ptr, len, data.len()).map_err(wt::Error::msg)?;
            Ok(host::byte_sum(&data[range]))
        },
    )?;
    if threads {
        let shared = wt::SharedMemory::new(
            engine,
            wt::MemoryType::shared(spectest::MEMORY_MIN_PAGES, spectest::MEMORY_MAX_PAGES),
        )?;
        linker.define(&mut *store, m, "shared_memory", shared)?;
    }
    Ok(())
}

/// Classifies an error from running code (start function or invoke).
fn run_failure(e: wt::Error) -> Failure {
    let message = format!("{e:#}");
    if crate::compat::is_thrown_exception(&e) {
        return Failure::new(FailureClass::Exception, message);
    }
    match e.downcast_ref::<wt::Trap>() {
        Some(wt::Trap::StackOverflow) => Failure::new(FailureClass::Exhaustion, message),
        Some(wt::Trap::OutOfFuel | wt::Trap::Interrupt) => Failure::new(FailureClass::Interrupted, message),
        Some(_) => Failure::new(FailureClass::Trap, message),
        None if message.contains("limit") || message.contains("exceeds") => Failure::new(FailureClass::Limit, message),
        None => Failure::new(FailureClass::Trap, message),
    }
}

impl WasmtimeSession {
    fn instance(&self, id: InstanceId) -> Result<wt::Instance, Failure> {
        self.arena.instance(id).copied()
    }

    fn arg_value(&mut self, v: &Value, ty: &wt::ValType) -> Result<wt::Val, Failure> {
        Ok(match *v {
            Value::I32(x) => wt::Val::I32(x),
            Value::I64(x) => wt::Val::I64(x),
            Value::F32(b) => wt::Val::F32(b),
            Value::F64(b) => wt::Val::F64(b),
            Value::V128(b) => wt::Val::V128(b.into()),
            Value::Ref(RefValue::Null) => match ty {
                wt::ValType::Ref(r) => wt::Val::null_ref(&r.heap_type().top()),
                _ => return Err(Failure::harness("null reference passed for a number parameter")),
            },
            Value::Ref(RefValue::Extern(Some(n))) => {
                let r = wt::ExternRef::new(&mut self.store, n).map_err(Failure::harness)?;
                wt::Val::ExternRef(Some(r))
            }
            Value::Ref(RefValue::Host(Some(n))) => {
                let r = wt::ExternRef::new(&mut self.store, n).map_err(Failure::harness)?;
                let any = wt::AnyRef::convert_extern(&mut self.store, r).map_err(Failure::harness)?;
                wt::Val::AnyRef(Some(any))
            }
            Value::Ref(other) => return Err(Failure::harness(format!("cannot pass {other:?} as an argument"))),
        })
    }

    fn our_value(&mut self, v: &wt::Val) -> Result<Value, Failure> {
        Ok(match v {
            wt::Val::I32(x) => Value::I32(*x),
            wt::Val::I64(x) => Value::I64(*x),
            wt::Val::F32(b) => Value::F32(*b),
            wt::Val::F64(b) => Value::F64(*b),
            wt::Val::V128(b) => Value::V128(b.as_u128()),
            wt::Val::FuncRef(None) | wt::Val::ExternRef(None) | wt::Val::AnyRef(None) | wt::Val::ExnRef(None) => {
                Value::Ref(RefValue::Null)
            }
            #[cfg(not(wg_major_wasmtime = "36"))]
            wt::Val::ContRef(None) => Value::Ref(RefValue::Null),
            wt::Val::FuncRef(Some(_)) => Value::Ref(RefValue::Func),
            wt::Val::ExternRef(Some(r)) => {
                let data = r.data(&self.store).map_err(Failure::harness)?;
                Value::Ref(RefValue::Extern(data.and_then(|d| d.downcast_ref::<u32>().copied())))
            }
            wt::Val::AnyRef(Some(r)) => {
                let store = &mut self.store;
                if r.is_i31(&*store).map_err(Failure::harness)? {
                    Value::Ref(RefValue::I31)
                } else if r.is_struct(&*store).map_err(Failure::harness)? {
                    Value::Ref(RefValue::Struct)
                } else if r.is_array(&*store).map_err(Failure::harness)? {
                    Value::Ref(RefValue::Array)
                } else {
                    let ext = wt::ExternRef::convert_any(&mut *store, *r).map_err(Failure::harness)?;
                    let data = ext.data(&*store).map_err(Failure::harness)?;
                    match data.and_then(|d| d.downcast_ref::<u32>().copied()) {
                        Some(n) => Value::Ref(RefValue::Host(Some(n))),
                        None => Value::Ref(RefValue::Any),
                    }
                }
            }
            wt::Val::ExnRef(Some(_)) => Value::Ref(RefValue::Exn),
            #[cfg(not(wg_major_wasmtime = "36"))]
            wt::Val::ContRef(Some(_)) => return Err(Failure::harness("continuation references are not carried")),
        })
    }

    fn arm_deadline(&mut self) {
        if self.epochs {
            let ticks = match self.limits.deadline {
                Some(d) => (d.as_nanos() / EPOCH_TICK.as_nanos()).max(1) as u64,
                None => u64::MAX / 2,
            };
            self.store.set_epoch_deadline(ticks);
        }
    }
}

impl Session for WasmtimeSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<ModuleId, Failure> {
        let module = wt::Module::from_binary(&self.engine, wasm).map_err(|e| classify_compile(format!("{e:#}")))?;
        Ok(self.arena.add_module(module))
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure> {
        let module = self.arena.module(module)?.clone();
        // Imports first, so a missing or mismatched one is a link failure, not a trap.
        let pre =
            self.linker.instantiate_pre(&module).map_err(|e| Failure::new(FailureClass::Link, format!("{e:#}")))?;
        self.arm_deadline();
        let instance = pre.instantiate(&mut self.store).map_err(|e| {
            let f = run_failure(e);
            // Segment initialisation out of bounds is a trap; a type mismatch found only at
            // instantiation (e.g. a table's element type) is a link failure.
            if f.message.contains("incompatible import type") { Failure::new(FailureClass::Link, f.message) } else { f }
        })?;
        Ok(self.arena.add_instance(instance))
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), Failure> {
        let instance = self.instance(instance)?;
        self.linker.instance(&mut self.store, name, instance).map_err(Failure::harness)?;
        Ok(())
    }

    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let instance = self.instance(instance)?;
        let func = instance.get_func(&mut self.store, export).ok_or_else(|| no_export("function", export))?;
        let ty = func.ty(&self.store);
        let params: Vec<wt::ValType> = ty.params().collect();
        check_arity(export, params.len(), args.len())?;
        let mut wargs = Vec::with_capacity(args.len());
        for (a, t) in args.iter().zip(&params) {
            wargs.push(self.arg_value(a, t)?);
        }
        let mut results: Vec<wt::Val> =
            ty.results().map(|t| wt::Val::default_for_ty(&t).unwrap_or(wt::Val::I32(0))).collect();
        self.arm_deadline();
        func.call(&mut self.store, &wargs, &mut results).map_err(run_failure)?;
        results.iter().map(|v| self.our_value(v)).collect()
    }

    fn global(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure> {
        let instance = self.instance(instance)?;
        let g = instance.get_global(&mut self.store, export).ok_or_else(|| no_export("global", export))?;
        let v = g.get(&mut self.store);
        self.our_value(&v)
    }

    fn memory_size(&mut self, instance: InstanceId, export: &str) -> Result<u64, Failure> {
        let instance = self.instance(instance)?;
        let m = instance.get_memory(&mut self.store, export).ok_or_else(|| no_export("memory", export))?;
        Ok(m.data_size(&self.store) as u64)
    }

    fn read_memory(&mut self, instance: InstanceId, export: &str, offset: u64, len: usize) -> Result<Vec<u8>, Failure> {
        let instance = self.instance(instance)?;
        let m = instance.get_memory(&mut self.store, export).ok_or_else(|| no_export("memory", export))?;
        let mut out = vec![0; len];
        m.read(&self.store, offset as usize, &mut out).map_err(Failure::harness)?;
        Ok(out)
    }

    fn limits_in_force(&self) -> Vec<(String, String)> {
        limits_in_force(
            &self.limits,
            Enforcement {
                stack: "max_wasm_stack (Wasmtime default, 512 KiB)",
                caps: "StoreLimits",
                counting: self.fuel.then_some(("", "units")),
                deadline: self.epochs.then_some("epoch interruption"),
            },
        )
    }
}
