//! Components of any world on Wasmtime (`run --component --invoke`): compiled and linked
//! against what this host provides (WASI 0.2, the plugin world's `host`), the called function
//! found by name in the component's exports, its arguments read from WAVE against the
//! function's parameter types (`wasmtime::component::wasm_wave`), and its results written
//! back as WAVE. Problems with the input are [`Refused`], not failures of the engine.
use crate::compat;
use crate::component_world::{State, ok};
use crate::engine::WasmtimeEngine;
use anyhow::{Result, anyhow, bail};
use measure::component::{AnyComponent, PreparedCall, Refused};
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, ComponentExportIndex, Func, InstancePre, Type, Val, wasm_wave};

fn refused(why: String) -> anyhow::Error {
    anyhow::Error::new(Refused(why))
}

struct Compiled<'e> {
    engine: &'e WasmtimeEngine,
    component: Component,
    pre: InstancePre<State>,
}

/// Compiles a component and links its imports; imports this host lacks are refused.
pub(crate) fn compile<'e>(engine: &'e WasmtimeEngine, bytes: &[u8]) -> Result<Box<dyn AnyComponent + 'e>> {
    let component = ok(Component::from_binary(engine.wt_engine(), bytes))?;
    let linker = engine.component_linker()?;
    let pre = ok(linker.instantiate_pre(&component)).map_err(|e| {
        refused(format!(
            "the component needs an import this host does not provide (it provides WASI 0.2 and \
             wasmgauge:plugin/host): {}",
            one_line(&e)
        ))
    })?;
    Ok(Box::new(Compiled { engine, component, pre }))
}

/// An error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    e.chain().map(|c| c.to_string()).collect::<Vec<_>>().join(": ")
}

/// A function's WIT signature, for messages: `(a: u32, b: string) -> (string)`.
fn signature(f: &ComponentFunc) -> String {
    let params: Vec<String> = f.params().map(|(n, t)| format!("{n}: {}", type_name(&t))).collect();
    let results: Vec<String> = f.results().map(|t| type_name(&t)).collect();
    format!("({}) -> ({})", params.join(", "), results.join(", "))
}

fn type_name(t: &Type) -> String {
    format!("{t:?}").split('(').next().unwrap_or("?").to_lowercase()
}

/// A function's name as the user wrote it: plain (`run`), ours (`wasi:cli/run@0.2.0#run`) or
/// the Wasmtime CLI's (`wasi:cli/run.run@0.2.0`, as `wasmtime run --invoke` takes it): the
/// exported instance's name, if given, and the function's.
fn split_name(name: &str) -> (Option<String>, &str) {
    if let Some((instance, func)) = name.rsplit_once('#') {
        return (Some(instance.to_string()), func);
    }
    let Some((package, rest)) = name.split_once('/') else { return (None, name) };
    let (path, version) = match rest.split_once('@') {
        Some((p, v)) => (p, Some(v)),
        None => (rest, None),
    };
    let Some((interface, func)) = path.rsplit_once('.') else { return (None, name) };
    let version = version.map(|v| format!("@{v}")).unwrap_or_default();
    (Some(format!("{package}/{interface}{version}")), func)
}

/// An exported function: its instance's export name (if it is in one) and its own.
struct Found {
    instance: Option<String>,
    name: String,
    ty: ComponentFunc,
}

impl Compiled<'_> {
    /// The function `wanted` names: `func`, or `interface#func`; a plain name must be unique.
    fn find(&self, wanted: &str) -> Result<(ComponentExportIndex, ComponentFunc)> {
        let engine = self.engine.wt_engine();
        let (want_instance, want_name) = split_name(wanted);
        let want_instance = want_instance.as_deref();
        let mut all = Vec::new();
        let mut found: Vec<Found> = Vec::new();
        for (export, item) in self.component.component_type().exports(engine) {
            match compat::item(item) {
                ComponentItem::ComponentFunc(ty) => {
                    all.push(export.to_string());
                    if want_instance.is_none() && export == want_name {
                        found.push(Found { instance: None, name: export.into(), ty });
                    }
                }
                ComponentItem::ComponentInstance(instance) => {
                    for (name, item) in instance.exports(engine) {
                        let ComponentItem::ComponentFunc(ty) = compat::item(item) else { continue };
                        all.push(format!("{export}#{name}"));
                        if name == want_name && want_instance.is_none_or(|i| i == export) {
                            found.push(Found { instance: Some(export.into()), name: name.into(), ty });
                        }
                    }
                }
                _ => {}
            }
        }
        let one = match found.len() {
            0 => {
                let list = if all.is_empty() { "none".to_string() } else { all.join(", ") };
                return Err(refused(format!("the component has no exported function `{wanted}`; it exports: {list}")));
            }
            1 => found.remove(0),
            _ => {
                let names: Vec<String> =
                    found.iter().map(|f| format!("{}#{}", f.instance.as_deref().unwrap_or(""), f.name)).collect();
                return Err(refused(format!(
                    "`{wanted}` is exported by more than one interface ({}); name one as interface#function \
                     (or interface.function, as `wasmtime run --invoke` takes it)",
                    names.join(", ")
                )));
            }
        };
        let outer = match &one.instance {
            Some(i) => Some(self.component.get_export_index(None, i.as_str()).ok_or_else(|| anyhow!("no export {i}"))?),
            None => None,
        };
        let index = self
            .component
            .get_export_index(outer.as_ref(), one.name.as_str())
            .ok_or_else(|| anyhow!("no export {wanted}"))?;
        Ok((index, one.ty))
    }
}

impl AnyComponent for Compiled<'_> {
    fn prepare(&self, call: &str) -> Result<Box<dyn PreparedCall + '_>> {
        // The name is read here (WAVE's own names cannot hold an interface's `:`, `/`, `@`);
        // the arguments are WAVE, parsed as the call `f(...)`.
        let not_a_call = || refused(format!("`{call}` is not a function call, name(arg, ...)"));
        let open = call.find('(').ok_or_else(not_a_call)?;
        let (name, args) = (call[..open].trim(), &call[open..]);
        if name.is_empty() {
            return Err(not_a_call());
        }
        let as_call = format!("f{args}");
        let parsed = wasm_wave::untyped::UntypedFuncCall::parse(&as_call)
            .map_err(|e| refused(format!("the arguments {args} are not WAVE values: {e}, in `{as_call}`")))?;
        let (index, ty) = self.find(name)?;
        let types: Vec<Type> = ty.params().map(|(_, t)| t).collect();
        let params: Vec<Val> = parsed.to_wasm_params::<Val>(types.iter()).map_err(|e| {
            refused(format!("the arguments {args} do not match `{name}` {}: {e}, in `{as_call}`", signature(&ty)))
        })?;
        let results = vec![Val::Bool(false); ty.results().len()];
        let mut store = self.engine.component_store()?;
        let instance = ok(self.pre.instantiate(&mut store))?;
        let func = instance.get_func(&mut store, index).ok_or_else(|| anyhow!("`{call}`: not a function"))?;
        Ok(Box::new(Call { store, func, params, results, answer: None }))
    }
}

struct Call {
    store: wasmtime::Store<State>,
    func: Func,
    params: Vec<Val>,
    results: Vec<Val>,
    answer: Option<Vec<Val>>,
}

fn wave(values: &[Val]) -> Vec<String> {
    values.iter().map(|v| wasm_wave::to_string(v).unwrap_or_else(|e| format!("<not WAVE: {e}>"))).collect()
}

impl PreparedCall for Call {
    fn call(&mut self) -> Result<()> {
        ok(self.func.call(&mut self.store, &self.params, &mut self.results))?;
        ok(compat::post_return(&self.func, &mut self.store))?;
        match &self.answer {
            None => self.answer = Some(self.results.clone()),
            Some(first) if *first != self.results => {
                bail!("the call returned {:?} after {:?} the first time", wave(&self.results), wave(first))
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn answer(&self) -> Vec<String> {
        self.answer.as_deref().map(wave).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_are_read_in_both_spellings() {
        assert_eq!(split_name("run"), (None, "run"));
        assert_eq!(split_name("wasi:cli/run@0.2.0#run"), (Some("wasi:cli/run@0.2.0".into()), "run"));
        assert_eq!(split_name("wasi:cli/run.run@0.2.0"), (Some("wasi:cli/run@0.2.0".into()), "run"));
        assert_eq!(split_name("some:other/one.run"), (Some("some:other/one".into()), "run"));
        assert_eq!(split_name("a:b/c"), (None, "a:b/c"));
    }
}
