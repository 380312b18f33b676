//! Plugin kits: what a driver that embeds a plugin framework (Extism) gives the `plugin-calls`
//! scenario. A kit loads a core-module plugin, links the host's `tick` (`x * 2 + 1`, wrapping,
//! as the component world's `host.tick`) and calls the plugin's functions with bytes in and
//! bytes out, as the kit's users do. The plugin's functions' native twins are the component
//! world's (`measure::component::reference`).
use anyhow::Result;
use std::path::Path;

/// An engine that is a plugin kit (declared in the subject registry as `plugins`).
pub trait PluginKit {
    /// The kit's one-call constructor (Extism's `Plugin::new`): compiles the plugin, links its
    /// imports and makes an instance; with `cache`, through the kit's compilation cache kept
    /// in that directory (a plugin compiled once is loaded from it), else with it disabled.
    fn new_plugin(&self, wasm: &[u8], cache: Option<&Path>) -> Result<Box<dyn KitPlugin>>;

    /// Compiles and links the plugin once, for any number of instances (Extism's
    /// `CompiledPlugin`), its compilation cache disabled.
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledKitPlugin + '_>>;
}

/// A compiled, linked plugin.
pub trait CompiledKitPlugin {
    /// A new instance in a fresh store (Extism's `Plugin::new_from_compiled`).
    fn instantiate(&self) -> Result<Box<dyn KitPlugin + '_>>;
}

/// One plugin instance.
pub trait KitPlugin {
    /// Calls the plugin's function `name` with `input`; its output, copied out of the kit
    /// (as a component host's bindings lift a `list<u8>` into a vector).
    fn call(&mut self, name: &str, input: &[u8]) -> Result<Vec<u8>>;
}
