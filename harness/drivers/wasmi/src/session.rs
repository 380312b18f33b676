//! wasmi's conformance [`Session`]: one `Store` (with `StoreLimits` and fuel) and one `Linker`
//! with `spectest` defined and registered instances added by name.

use anyhow::Result;
use measure::host;
use measure::kit::session::{Arena, check_arity, no_export};
use measure::session::{
    Enforcement, Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value,
    classify_compile, limits_in_force, spectest,
};
use wasmi::TrapCode;

struct Data {
    limits: wasmi::StoreLimits,
}

pub(crate) struct WasmiSession {
    engine: wasmi::Engine,
    store: wasmi::Store<Data>,
    linker: wasmi::Linker<Data>,
    arena: Arena<wasmi::Module, wasmi::Instance>,
    limits: SessionLimits,
    fuel: bool,
}

pub(crate) fn new(engine: &wasmi::Engine, limits: &SessionLimits, fuel: bool) -> Result<Box<dyn Session>> {
    let mut builder = wasmi::StoreLimitsBuilder::new();
    if let Some(bytes) = limits.max_memory_bytes {
        builder = builder.memory_size(bytes as usize);
    }
    if let Some(n) = limits.max_table_elements {
        builder = builder.table_elements(n as usize);
    }
    let mut store = wasmi::Store::new(engine, Data { limits: builder.build() });
    store.limiter(|d| &mut d.limits);
    if fuel {
        store.set_fuel(limits.fuel.unwrap_or(u64::MAX))?;
    }
    let mut linker = wasmi::Linker::new(engine);
    linker.allow_shadowing(true);
    let m = spectest::MODULE;
    for (name, params) in spectest::PRINTS {
        let params: Vec<wasmi::ValType> = params
            .chars()
            .map(|c| match c {
                'i' => wasmi::ValType::I32,
                'I' => wasmi::ValType::I64,
                'f' => wasmi::ValType::F32,
                _ => wasmi::ValType::F64,
            })
            .collect();
        linker.func_new(m, name, wasmi::FuncType::new(params, []), |_, _, _| Ok(()))?;
    }
    let globals = [
        ("global_i32", wasmi::Val::I32(spectest::GLOBAL_I32)),
        ("global_i64", wasmi::Val::I64(spectest::GLOBAL_I64)),
        ("global_f32", wasmi::Val::F32(spectest::GLOBAL_F32.into())),
        ("global_f64", wasmi::Val::F64(spectest::GLOBAL_F64.into())),
    ];
    for (name, v) in globals {
        let g = wasmi::Global::new(&mut store, v, wasmi::Mutability::Const);
        linker.define(m, name, g)?;
    }
    let table_ty = wasmi::TableType::new(wasmi::RefType::Func, spectest::TABLE_MIN, Some(spectest::TABLE_MAX));
    let table = wasmi::Table::new(&mut store, table_ty, wasmi::Ref::Func(wasmi::Nullable::Null))?;
    linker.define(m, "table", table)?;
    let memory = wasmi::Memory::new(
        &mut store,
        wasmi::MemoryType::new(spectest::MEMORY_MIN_PAGES, Some(spectest::MEMORY_MAX_PAGES)),
    )?;
    linker.define(m, "memory", memory)?;
    linker.func_wrap(host::SANDBOX_MODULE, host::SLEEP_MS, host::sleep_ms)?;
    linker.func_wrap(
        host::SANDBOX_MODULE,
        host::READ_GUEST,
        |caller: wasmi::Caller<'_, Data>, ptr: i32, len: i32| -> Result<i32, wasmi::Error> {
            let memory = caller
                .get_export("memory")
                .and_then(|e| e.into_memory())
                .ok_or_else(|| wasmi::Error::new("read_guest: the caller exports no memory"))?;
            let data = memory.data(&caller);
            let range = host::guest_range(ptr, len, data.len()).map_err(wasmi::Error::new)?;
            Ok(host::byte_sum(&data[range]))
        },
    )?;
    Ok(Box::new(WasmiSession { engine: engine.clone(), store, linker, arena: Arena::default(), limits: *limits, fuel }))
}

fn run_failure(e: wasmi::Error) -> Failure {
    let message = e.to_string();
    match e.as_trap_code() {
        Some(TrapCode::StackOverflow) => Failure::new(FailureClass::Exhaustion, message),
        Some(TrapCode::OutOfFuel) => Failure::new(FailureClass::Interrupted, message),
        Some(TrapCode::GrowthOperationLimited) => Failure::new(FailureClass::Limit, message),
        Some(_) => Failure::new(FailureClass::Trap, message),
        None => match e.kind() {
            wasmi::errors::ErrorKind::Linker(_) => Failure::new(FailureClass::Link, message),
            // Segments that do not fit are the spec's instantiation trap.
            wasmi::errors::ErrorKind::Instantiation(_)
                if message.contains("out of bounds") || message.contains("does not fit") =>
            {
                Failure::new(FailureClass::Trap, message)
            }
            wasmi::errors::ErrorKind::Instantiation(_) if message.contains("limit") => {
                Failure::new(FailureClass::Limit, message)
            }
            wasmi::errors::ErrorKind::Instantiation(_) => Failure::new(FailureClass::Link, message),
            wasmi::errors::ErrorKind::UserLimits(_) | wasmi::errors::ErrorKind::ImplementationLimits(_) => {
                Failure::new(FailureClass::Limit, message)
            }
            wasmi::errors::ErrorKind::Memory(_) | wasmi::errors::ErrorKind::Table(_) => {
                Failure::new(FailureClass::Limit, message)
            }
            _ => Failure::new(FailureClass::Trap, message),
        },
    }
}

impl WasmiSession {
    fn instance(&self, id: InstanceId) -> Result<wasmi::Instance, Failure> {
        self.arena.instance(id).copied()
    }

    fn arg_value(&mut self, v: &Value, ty: &wasmi::ValType) -> Result<wasmi::Val, Failure> {
        Ok(match *v {
            Value::I32(x) => wasmi::Val::I32(x),
            Value::I64(x) => wasmi::Val::I64(x),
            Value::F32(b) => wasmi::Val::F32(f32::from_bits(b).into()),
            Value::F64(b) => wasmi::Val::F64(f64::from_bits(b).into()),
            Value::V128(b) => wasmi::Val::V128(wasmi::V128::from(b)),
            Value::Ref(RefValue::Null) => match ty {
                wasmi::ValType::FuncRef => wasmi::Val::FuncRef(wasmi::Nullable::Null),
                wasmi::ValType::ExternRef => wasmi::Val::ExternRef(wasmi::Nullable::Null),
                _ => return Err(Failure::harness("null reference passed for a number parameter")),
            },
            Value::Ref(RefValue::Extern(Some(n))) => {
                wasmi::Val::ExternRef(wasmi::Nullable::Val(wasmi::ExternRef::new(&mut self.store, n)))
            }
            Value::Ref(other) => {
                return Err(Failure::new(FailureClass::Unsupported, format!("cannot pass {other:?} to wasmi")));
            }
        })
    }

    fn our_value(&self, v: &wasmi::Val) -> Value {
        match v {
            wasmi::Val::I32(x) => Value::I32(*x),
            wasmi::Val::I64(x) => Value::I64(*x),
            wasmi::Val::F32(x) => Value::F32(x.to_bits()),
            wasmi::Val::F64(x) => Value::F64(x.to_bits()),
            wasmi::Val::V128(x) => Value::V128(x.as_u128()),
            wasmi::Val::FuncRef(r) if r.is_null() => Value::Ref(RefValue::Null),
            wasmi::Val::FuncRef(_) => Value::Ref(RefValue::Func),
            wasmi::Val::ExternRef(wasmi::Nullable::Val(r)) => {
                Value::Ref(RefValue::Extern(r.data(&self.store).downcast_ref::<u32>().copied()))
            }
            wasmi::Val::ExternRef(_) => Value::Ref(RefValue::Null),
        }
    }
}

impl Session for WasmiSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<ModuleId, Failure> {
        let module = wasmi::Module::new(&self.engine, wasm).map_err(|e| classify_compile(e.to_string()))?;
        Ok(self.arena.add_module(module))
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure> {
        let module = self.arena.module(module)?.clone();
        let instance = self.linker.instantiate_and_start(&mut self.store, &module).map_err(run_failure)?;
        Ok(self.arena.add_instance(instance))
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), Failure> {
        let instance = self.instance(instance)?;
        self.linker.instance(&mut self.store, name, instance).map_err(Failure::harness)?;
        Ok(())
    }

    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let instance = self.instance(instance)?;
        let func = instance.get_func(&self.store, export).ok_or_else(|| no_export("function", export))?;
        let ty = func.ty(&self.store);
        check_arity(export, ty.params().len(), args.len())?;
        let mut wargs = Vec::with_capacity(args.len());
        for (a, t) in args.iter().zip(ty.params()) {
            wargs.push(self.arg_value(a, t)?);
        }
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        func.call(&mut self.store, &wargs, &mut results).map_err(run_failure)?;
        Ok(results.iter().map(|v| self.our_value(v)).collect())
    }

    fn global(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure> {
        let instance = self.instance(instance)?;
        let g = instance.get_global(&self.store, export).ok_or_else(|| no_export("global", export))?;
        let v = g.get(&self.store);
        Ok(self.our_value(&v))
    }

    fn memory_size(&mut self, instance: InstanceId, export: &str) -> Result<u64, Failure> {
        let instance = self.instance(instance)?;
        let m = instance.get_memory(&self.store, export).ok_or_else(|| no_export("memory", export))?;
        Ok(m.data(&self.store).len() as u64)
    }

    fn read_memory(&mut self, instance: InstanceId, export: &str, offset: u64, len: usize) -> Result<Vec<u8>, Failure> {
        let instance = self.instance(instance)?;
        let m = instance.get_memory(&self.store, export).ok_or_else(|| no_export("memory", export))?;
        let mut out = vec![0; len];
        m.read(&self.store, offset as usize, &mut out).map_err(Failure::harness)?;
        Ok(out)
    }

    fn limits_in_force(&self) -> Vec<(String, String)> {
        limits_in_force(
            &self.limits,
            Enforcement {
                stack: "wasmi default recursion depth and value-stack limits",
                caps: "StoreLimits",
                counting: self.fuel.then_some(("", "units")),
                deadline: None,
            },
        )
    }
}
