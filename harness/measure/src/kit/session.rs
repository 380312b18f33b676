//! What the conformance sessions of every runtime share: the arena of a session's modules and
//! instances behind the ids the spec runner holds, the arity check of an invocation, and the
//! failures for an export that is not there.
use crate::session::{Failure, InstanceId, ModuleId};

/// A session's compiled modules and live instances, by the ids it hands out.
pub struct Arena<M, I> {
    modules: Vec<M>,
    instances: Vec<I>,
}

impl<M, I> Default for Arena<M, I> {
    fn default() -> Self {
        Arena { modules: Vec::new(), instances: Vec::new() }
    }
}

impl<M, I> Arena<M, I> {
    /// Keeps a compiled module; returns its id.
    pub fn add_module(&mut self, module: M) -> ModuleId {
        self.modules.push(module);
        ModuleId(self.modules.len() - 1)
    }

    /// The module of `id`.
    pub fn module(&self, id: ModuleId) -> Result<&M, Failure> {
        self.modules.get(id.0).ok_or_else(|| Failure::harness("no such module"))
    }

    /// Keeps a live instance; returns its id.
    pub fn add_instance(&mut self, instance: I) -> InstanceId {
        self.instances.push(instance);
        InstanceId(self.instances.len() - 1)
    }

    /// The instance of `id`.
    pub fn instance(&self, id: InstanceId) -> Result<&I, Failure> {
        self.instances.get(id.0).ok_or_else(|| Failure::harness("no such instance"))
    }
}

/// An invocation with as many arguments as `export` takes parameters, or the harness failure.
pub fn check_arity(export: &str, params: usize, args: usize) -> Result<(), Failure> {
    if params != args {
        return Err(Failure::harness(format!("`{export}` takes {params} arguments, {args} given")));
    }
    Ok(())
}

/// The failure for an export of kind `kind` (`function`, `global`, `memory`) that is not there.
pub fn no_export(kind: &str, export: &str) -> Failure {
    Failure::harness(format!("no exported {kind} `{export}`"))
}

/// [`no_export`] with the runtime's reason.
pub fn no_export_because(kind: &str, export: &str, why: impl std::fmt::Display) -> Failure {
    Failure::harness(format!("no exported {kind} `{export}`: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_index_what_was_added_and_unknown_ids_are_harness_failures() {
        let mut arena: Arena<&str, u8> = Arena::default();
        let m = arena.add_module("m");
        let i = arena.add_instance(7);
        assert_eq!((*arena.module(m).unwrap(), *arena.instance(i).unwrap()), ("m", 7));
        assert_eq!(arena.instance(InstanceId(5)).unwrap_err().message, "no such instance");
        assert_eq!(check_arity("f", 2, 1).unwrap_err().message, "`f` takes 2 arguments, 1 given");
        assert!(check_arity("f", 1, 1).is_ok());
        assert_eq!(no_export("global", "g").message, "no exported global `g`");
    }
}
