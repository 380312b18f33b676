//! Extism glue: the plugin kit (`measure::plugin_kit`) over `extism::Plugin`. Every plugin gets
//! the host's `tick` as `extism:host/user` `tick(i64) -> i64`. `Plugin::new` is Extism's
//! `PluginBuilder::build` (a new Wasmtime engine, compile, link, instantiate) with its
//! compilation cache disabled or kept in a given directory; a compiled plugin is Extism's
//! `CompiledPlugin`, its instances `Plugin::new_from_compiled`. Core modules are refused: Extism
//! calls plugins, not exports.
use anyhow::{Context, Result, bail};
use extism::{CompiledPlugin, Function, Plugin, PluginBuilder, UserData, Val, ValType};
use measure::component::reference::host_tick;
use measure::engine::{CompiledModule, Engine, EngineInfo, EngineOptions, Instance};
use measure::kit::knobs;
use measure::plugin_kit::{CompiledKitPlugin, KitPlugin, PluginKit};
use std::path::Path;

pub struct ExtismEngine {
    info: EngineInfo,
    parallel_compilation: bool,
}

pub(crate) fn build(id: &str, description: &str, options: &EngineOptions) -> Result<ExtismEngine> {
    measure::kit::measure_only(id, options)?;
    let parallel_compilation = options.compile_threads > 1;
    let mut knobs = knobs::common(options);
    if parallel_compilation {
        let pool = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let threads = format!("parallel: rayon pool of {pool} ({} requested)", options.compile_threads);
        knobs::set(&mut knobs, "compile_threads", threads);
    }
    knobs::set(
        &mut knobs,
        "cache",
        "plugin-new: disabled; plugin-new-cached: Extism's (Wasmtime's) compilation cache in a scratch directory",
    );
    knobs::set(&mut knobs, "epoch_interruption", "on (Extism switches it on; deadline never reached)");
    knobs.push(("wasmtime", concat!(env!("WG_LOCKED_WASMTIME"), " (the version Extism 1.30 requires)").into()));
    knobs.push(("compiler", "cranelift (Wasmtime's default configuration, as Extism builds it)".into()));
    knobs.push(("bounds_checks", "guard pages (Wasmtime's default memory reservation)".into()));
    knobs.push(("wasi", "off".into()));
    knobs.push(("kernel", "Extism's kernel module (extism-runtime.wasm, linked into every plugin)".into()));
    knobs.push(("calls", "bytes in, bytes out through the kernel's memory (extism-pdk input/output)".into()));
    knobs.push(("host_function", "tick(i64) -> i64 in extism:host/user".into()));
    Ok(ExtismEngine {
        info: EngineInfo::new(id, "extism", env!("WG_LOCKED_EXTISM"), description, &knobs),
        parallel_compilation,
    })
}

/// The host's `tick`, as every plugin imports it.
fn tick() -> Function {
    Function::new("tick", [ValType::I64], [ValType::I64], UserData::new(()), |_, args, results, _| {
        let Some(Val::I64(x)) = args.first() else { bail!("tick takes one i64") };
        results[0] = Val::I64(host_tick(*x as u64) as i64);
        Ok(())
    })
}

impl ExtismEngine {
    fn builder<'a>(&self, wasm: &'a [u8]) -> PluginBuilder<'a> {
        let mut config = wasmtime::Config::new();
        config.parallel_compilation(self.parallel_compilation);
        PluginBuilder::new(wasm).with_wasi(false).with_functions([tick()]).with_wasmtime_config(config)
    }
}

impl Engine for ExtismEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, _wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!(
            "Extism calls plugins (bytes in, bytes out), not a core module's exports: it takes part in plugin-calls only"
        )
    }

    fn instantiate(&self, _module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        bail!("Extism calls plugins, not a core module's exports")
    }

    fn plugin_kit(&self) -> Option<&dyn PluginKit> {
        Some(self)
    }
}

impl PluginKit for ExtismEngine {
    fn new_plugin(&self, wasm: &[u8], cache: Option<&Path>) -> Result<Box<dyn KitPlugin>> {
        let builder = match cache {
            None => self.builder(wasm).with_cache_disabled(),
            Some(dir) => self.builder(wasm).with_cache_config(cache_config(dir)?),
        };
        Ok(Box::new(ExtismPlugin(builder.build()?)))
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledKitPlugin + '_>> {
        Ok(Box::new(ExtismCompiled(self.builder(wasm).with_cache_disabled().compile()?)))
    }
}

/// The Wasmtime cache configuration file Extism reads, for a cache kept in `dir` (written
/// beside it once).
fn cache_config(dir: &Path) -> Result<std::path::PathBuf> {
    let file = dir.with_extension("toml");
    if !file.exists() {
        let dir = std::path::absolute(dir)?;
        let text = format!("[cache]\ndirectory = {:?}\n", dir.display().to_string());
        let tmp = file.with_extension(format!("toml.{}", std::process::id()));
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &file))
            .with_context(|| format!("writing Extism's cache configuration {}", file.display()))?;
    }
    Ok(file)
}

struct ExtismCompiled(CompiledPlugin);

impl CompiledKitPlugin for ExtismCompiled {
    fn instantiate(&self) -> Result<Box<dyn KitPlugin + '_>> {
        Ok(Box::new(ExtismPlugin(Plugin::new_from_compiled(&self.0)?)))
    }
}

struct ExtismPlugin(Plugin);

impl KitPlugin for ExtismPlugin {
    fn call(&mut self, name: &str, input: &[u8]) -> Result<Vec<u8>> {
        self.0.call::<&[u8], Vec<u8>>(name, input)
    }
}
