//! Wasmer's conformance [`Session`]: one `Store`; imports are resolved by hand from `spectest`
//! and the exports of registered instances (Wasmer has no linker), metering points per instance.

use anyhow::Result;
use measure::host;
use measure::kit::session::{Arena, check_arity, no_export_because};
use measure::session::{
    Enforcement, Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value,
    classify_compile, limits_in_force, spectest,
};
use std::collections::HashMap;
use wasmer::{Extern, Store, Type};

/// What `read_guest` needs: the memory of the instance that imported it (set after
/// instantiation; one sandbox guest per session imports it).
#[derive(Default)]
struct HostEnv {
    memory: Option<wasmer::Memory>,
}

pub(crate) struct WasmerSession {
    store: Store,
    env: wasmer::FunctionEnv<HostEnv>,
    arena: Arena<wasmer::Module, wasmer::Instance>,
    /// `(module, name)` -> what an import of that name resolves to.
    registry: HashMap<(String, String), Extern>,
    limits: SessionLimits,
    metering: bool,
}

pub(crate) fn new(
    engine: &wasmer::Engine,
    limits: &SessionLimits,
    metering: bool,
    threads: bool,
) -> Result<Box<dyn Session>> {
    let mut engine = engine.clone();
    let capped = limits.max_memory_bytes.is_some() || limits.max_table_elements.is_some();
    if capped {
        use wasmer::sys::NativeEngineExt;
        engine.set_tunables(crate::tunables::Capped::new(limits.max_memory_bytes, limits.max_table_elements));
    }
    let mut store = Store::new(engine);
    let mut registry = HashMap::new();
    let m = spectest::MODULE.to_string();
    for (name, params) in spectest::PRINTS {
        let params: Vec<Type> = params
            .chars()
            .map(|c| match c {
                'i' => Type::I32,
                'I' => Type::I64,
                'f' => Type::F32,
                _ => Type::F64,
            })
            .collect();
        let f = wasmer::Function::new(&mut store, wasmer::FunctionType::new(params, vec![]), |_| Ok(vec![]));
        registry.insert((m.clone(), name.to_string()), Extern::Function(f));
    }
    let globals = [
        ("global_i32", wasmer::Value::I32(spectest::GLOBAL_I32)),
        ("global_i64", wasmer::Value::I64(spectest::GLOBAL_I64)),
        ("global_f32", wasmer::Value::F32(spectest::GLOBAL_F32)),
        ("global_f64", wasmer::Value::F64(spectest::GLOBAL_F64)),
    ];
    for (name, v) in globals {
        registry.insert((m.clone(), name.to_string()), Extern::Global(wasmer::Global::new(&mut store, v)));
    }
    let table_ty = wasmer::TableType::new(Type::FuncRef, spectest::TABLE_MIN, Some(spectest::TABLE_MAX));
    let table = wasmer::Table::new(&mut store, table_ty, wasmer::Value::FuncRef(None))?;
    registry.insert((m.clone(), "table".into()), Extern::Table(table));
    let memory = wasmer::Memory::new(
        &mut store,
        wasmer::MemoryType::new(spectest::MEMORY_MIN_PAGES, Some(spectest::MEMORY_MAX_PAGES), false),
    )?;
    registry.insert((m.clone(), "memory".into()), Extern::Memory(memory));
    let env = wasmer::FunctionEnv::new(&mut store, HostEnv::default());
    let sb = host::SANDBOX_MODULE.to_string();
    registry.insert(
        (sb.clone(), host::SLEEP_MS.into()),
        Extern::Function(wasmer::Function::new_typed(&mut store, host::sleep_ms)),
    );
    let read = wasmer::Function::new_typed_with_env(
        &mut store,
        &env,
        |mut env: wasmer::FunctionEnvMut<HostEnv>, ptr: i32, len: i32| -> Result<i32, wasmer::RuntimeError> {
            let (data, store) = env.data_and_store_mut();
            let memory = data.memory.clone().ok_or_else(|| wasmer::RuntimeError::new("read_guest: no memory"))?;
            let view = memory.view(&store);
            let range = host::guest_range(ptr, len, view.data_size() as usize).map_err(wasmer::RuntimeError::new)?;
            let mut bytes = vec![0u8; range.len()];
            view.read(range.start as u64, &mut bytes).map_err(|e| wasmer::RuntimeError::new(e.to_string()))?;
            Ok(host::byte_sum(&bytes))
        },
    );
    registry.insert((sb, host::READ_GUEST.into()), Extern::Function(read));
    if threads {
        let shared = wasmer::Memory::new(
            &mut store,
            wasmer::MemoryType::new(spectest::MEMORY_MIN_PAGES, Some(spectest::MEMORY_MAX_PAGES), true),
        )?;
        registry.insert((m, "shared_memory".into()), Extern::Memory(shared));
    }
    Ok(Box::new(WasmerSession { store, env, arena: Arena::default(), registry, limits: *limits, metering }))
}

impl WasmerSession {
    fn instance(&self, id: InstanceId) -> Result<wasmer::Instance, Failure> {
        self.arena.instance(id).cloned()
    }

    /// Classifies a runtime error, checking the metering budget of `instance` first.
    fn run_failure(&mut self, e: wasmer::RuntimeError, instance: Option<&wasmer::Instance>) -> Failure {
        let message = e.message();
        if e.is_exception() {
            return Failure::new(FailureClass::Exception, message);
        }
        if let (true, Some(i)) = (self.metering, instance)
            && wasmer_middlewares::metering::get_remaining_points(&mut self.store, i)
                == wasmer_middlewares::metering::MeteringPoints::Exhausted
        {
            return Failure::new(FailureClass::Interrupted, format!("metering points exhausted ({message})"));
        }
        match e.to_trap() {
            Some(wasmer_types::TrapCode::StackOverflow) => Failure::new(FailureClass::Exhaustion, message),
            _ => Failure::new(FailureClass::Trap, message),
        }
    }

    fn arg_value(&mut self, v: &Value, ty: Type) -> Result<wasmer::Value, Failure> {
        Ok(match *v {
            Value::I32(x) => wasmer::Value::I32(x),
            Value::I64(x) => wasmer::Value::I64(x),
            Value::F32(b) => wasmer::Value::F32(f32::from_bits(b)),
            Value::F64(b) => wasmer::Value::F64(f64::from_bits(b)),
            Value::V128(b) => wasmer::Value::V128(b),
            Value::Ref(RefValue::Null) => match ty {
                Type::FuncRef => wasmer::Value::FuncRef(None),
                Type::ExternRef => wasmer::Value::ExternRef(None),
                Type::ExceptionRef => wasmer::Value::ExceptionRef(None),
                _ => return Err(Failure::harness("null reference passed for a number parameter")),
            },
            Value::Ref(RefValue::Extern(Some(n))) => {
                wasmer::Value::ExternRef(Some(wasmer::ExternRef::new(&mut self.store, n)))
            }
            Value::Ref(other) => {
                return Err(Failure::new(FailureClass::Unsupported, format!("cannot pass {other:?} to Wasmer")));
            }
        })
    }

    fn our_value(&self, v: &wasmer::Value) -> Value {
        match v {
            wasmer::Value::I32(x) => Value::I32(*x),
            wasmer::Value::I64(x) => Value::I64(*x),
            wasmer::Value::F32(x) => Value::F32(x.to_bits()),
            wasmer::Value::F64(x) => Value::F64(x.to_bits()),
            wasmer::Value::V128(x) => Value::V128(*x),
            wasmer::Value::FuncRef(None) | wasmer::Value::ExternRef(None) | wasmer::Value::ExceptionRef(None) => {
                Value::Ref(RefValue::Null)
            }
            wasmer::Value::FuncRef(Some(_)) => Value::Ref(RefValue::Func),
            wasmer::Value::ExternRef(Some(r)) => Value::Ref(RefValue::Extern(r.downcast::<u32>(&self.store).copied())),
            wasmer::Value::ExceptionRef(Some(_)) => Value::Ref(RefValue::Exn),
        }
    }
}

impl Session for WasmerSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<ModuleId, Failure> {
        let module = wasmer::Module::from_binary(&self.store, wasm).map_err(|e| classify_compile(e.to_string()))?;
        Ok(self.arena.add_module(module))
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure> {
        let module = self.arena.module(module)?.clone();
        let mut imports = wasmer::Imports::new();
        for import in module.imports() {
            let key = (import.module().to_string(), import.name().to_string());
            match self.registry.get(&key) {
                Some(ext) => imports.define(&key.0, &key.1, ext.clone()),
                None => {
                    return Err(Failure::new(
                        FailureClass::Link,
                        format!("unknown import `{}`.`{}`", import.module(), import.name()),
                    ));
                }
            }
        }
        let instance = match wasmer::Instance::new(&mut self.store, &module, &imports) {
            Ok(i) => i,
            Err(wasmer::InstantiationError::Start(e)) => return Err(self.run_failure(e, None)),
            Err(wasmer::InstantiationError::Link(e)) => {
                let message = e.to_string();
                // Wasmer reports a trap while initializing segments as a link error.
                let class = if let wasmer::LinkError::Trap(_) = e { FailureClass::Trap } else { FailureClass::Link };
                return Err(Failure::new(class, message));
            }
            Err(e) => return Err(Failure::new(FailureClass::Link, e.to_string())),
        };
        if let Ok(memory) = instance.exports.get_memory("memory") {
            self.env.as_mut(&mut self.store).memory = Some(memory.clone());
        }
        if self.metering {
            let points = self.limits.fuel.unwrap_or(u64::MAX);
            wasmer_middlewares::metering::set_remaining_points(&mut self.store, &instance, points);
        }
        Ok(self.arena.add_instance(instance))
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), Failure> {
        let instance = self.instance(instance)?;
        for (field, ext) in instance.exports.iter() {
            self.registry.insert((name.to_string(), field.clone()), ext.clone());
        }
        Ok(())
    }

    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let instance = self.instance(instance)?;
        let func = instance.exports.get_function(export).map_err(|e| no_export_because("function", export, e))?.clone();
        let ty = func.ty(&self.store);
        check_arity(export, ty.params().len(), args.len())?;
        let mut wargs = Vec::with_capacity(args.len());
        for (a, t) in args.iter().zip(ty.params()) {
            wargs.push(self.arg_value(a, *t)?);
        }
        match func.call(&mut self.store, &wargs) {
            Ok(out) => Ok(out.iter().map(|v| self.our_value(v)).collect()),
            Err(e) => Err(self.run_failure(e, Some(&instance))),
        }
    }

    fn global(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure> {
        let instance = self.instance(instance)?;
        let g = instance.exports.get_global(export).map_err(|e| no_export_because("global", export, e))?.clone();
        let v = g.get(&mut self.store);
        Ok(self.our_value(&v))
    }

    fn memory_size(&mut self, instance: InstanceId, export: &str) -> Result<u64, Failure> {
        let instance = self.instance(instance)?;
        let m = instance.exports.get_memory(export).map_err(|e| no_export_because("memory", export, e))?;
        Ok(m.view(&self.store).data_size())
    }

    fn read_memory(&mut self, instance: InstanceId, export: &str, offset: u64, len: usize) -> Result<Vec<u8>, Failure> {
        let instance = self.instance(instance)?;
        let m = instance.exports.get_memory(export).map_err(|e| no_export_because("memory", export, e))?;
        let mut out = vec![0; len];
        m.view(&self.store).read(offset, &mut out).map_err(Failure::harness)?;
        Ok(out)
    }

    fn limits_in_force(&self) -> Vec<(String, String)> {
        limits_in_force(
            &self.limits,
            Enforcement {
                stack: "Wasmer default call stack (1 MiB)",
                caps: "capping Tunables",
                counting: self.metering.then_some(("metering middleware, ", "points")),
                deadline: None,
            },
        )
    }
}
