//! Components on Wasmtime: the `wasmgauge:plugin` world (`workloads/components/wit`) through
//! typed bindings (`wasmtime::component::bindgen!`), WASI 0.2 from wasmtime-wasi's p2 linker
//! (synchronous), the host's `tick`, and one `InstancePre` per compiled component; each
//! instance gets a fresh store, WASI context and resource table. The same configuration's
//! engine compiles core modules and components.
use crate::component_world::{State, bindings, ok};
use crate::engine::WasmtimeEngine;
use anyhow::{Result, anyhow};
use measure::component::reference::{Picture, Point, Shape};
use measure::component::{AnyComponent, CompiledPlugin, ComponentHost, Handle, Plugin};
use wasmtime::component::{Component, ResourceAny};

use bindings::exports::wasmgauge::plugin::{calls, image};

struct Compiled<'e> {
    engine: &'e WasmtimeEngine,
    pre: bindings::PluginPre<State>,
}

impl ComponentHost for WasmtimeEngine {
    fn compile_any(&self, bytes: &[u8]) -> Result<Box<dyn AnyComponent + '_>> {
        crate::component_any::compile(self, bytes)
    }

    fn compile_plugin(&self, bytes: &[u8]) -> Result<Box<dyn CompiledPlugin + '_>> {
        self.link_plugin(ok(Component::from_binary(self.wt_engine(), bytes))?)
    }

    fn run_command(
        &self,
        component: &[u8],
        requests: &[measure::wasi::WasiRequest],
        compile_once: bool,
    ) -> Vec<measure::wasi::WasiRunOutcome> {
        measure::wasi::run_many(&crate::component_command::CommandLayer(self), component, requests, compile_once)
    }

    fn load_plugin(&self, artifact: &[u8]) -> Result<Box<dyn CompiledPlugin + '_>> {
        // SAFETY: the artifact is one `CompiledPlugin::serialize` wrote for this configuration
        // in this run (the scenario's scratch directory); Wasmtime checks its engine settings.
        let component = unsafe { ok(Component::deserialize(self.wt_engine(), artifact))? };
        self.link_plugin(component)
    }
}

impl WasmtimeEngine {
    fn link_plugin(&self, component: Component) -> Result<Box<dyn CompiledPlugin + '_>> {
        let linker = self.component_linker()?;
        let pre =
            ok(linker.instantiate_pre(&component)).map_err(|e| anyhow!("linking the component's imports: {e:#}"))?;
        let pre = ok(bindings::PluginPre::new(pre))?;
        Ok(Box::new(Compiled { engine: self, pre }))
    }
}

impl CompiledPlugin for Compiled<'_> {
    fn instantiate(&self) -> Result<Box<dyn Plugin + '_>> {
        let mut store = self.engine.component_store()?;
        let plugin = ok(self.pre.instantiate(&mut store))?;
        Ok(Box::new(Instance { store, plugin, counters: Vec::new() }))
    }

    fn serialize(&self) -> Result<Vec<u8>> {
        ok(self.pre.instance_pre().component().serialize())
    }
}

struct Instance {
    store: wasmtime::Store<State>,
    plugin: bindings::Plugin,
    /// The counters the host holds, by [`Handle`]; `None` once dropped.
    counters: Vec<Option<ResourceAny>>,
}

fn point(p: &Point) -> calls::Point {
    calls::Point { x: p.x, y: p.y, label: p.label.clone() }
}

fn picture(p: image::Image) -> Picture {
    Picture { data: p.data, width: p.width, height: p.height }
}

fn image_of(p: &Picture) -> image::Image {
    image::Image { data: p.data.clone(), width: p.width, height: p.height }
}

impl Instance {
    fn counter(&self, h: Handle) -> Result<ResourceAny> {
        self.counters.get(h.0 as usize).copied().flatten().ok_or_else(|| anyhow!("no live counter {}", h.0))
    }
}

impl Plugin for Instance {
    fn noop(&mut self) -> Result<()> {
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.call_noop(&mut self.store))
    }

    fn scalars(&mut self, a: u32, b: u64, c: f32, d: f64) -> Result<f64> {
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.call_scalars(&mut self.store, a, b, c, d))
    }

    fn swap_case(&mut self, s: &str) -> Result<String> {
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.call_swap_case(&mut self.store, s))
    }

    fn invert(&mut self, data: &[u8]) -> Result<(i64, Vec<u8>)> {
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.call_invert(&mut self.store, data))
    }

    fn mirror(&mut self, p: &Point) -> Result<Point> {
        let f = self.plugin.wasmgauge_plugin_calls();
        let m = ok(f.call_mirror(&mut self.store, &point(p)))?;
        Ok(Point { x: m.x, y: m.y, label: m.label })
    }

    fn area(&mut self, s: Shape) -> Result<Result<f64, String>> {
        let shape = match s {
            Shape::Circle(v) => calls::Shape::Circle(v),
            Shape::Square(v) => calls::Shape::Square(v),
            Shape::Nothing => calls::Shape::Nothing,
        };
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.call_area(&mut self.store, shape))
    }

    fn counter_new(&mut self, start: u64) -> Result<Handle> {
        let f = self.plugin.wasmgauge_plugin_calls();
        let c = ok(f.counter().call_constructor(&mut self.store, start))?;
        let slot = self.counters.iter().position(Option::is_none);
        let index = match slot {
            Some(i) => {
                self.counters[i] = Some(c);
                i
            }
            None => {
                self.counters.push(Some(c));
                self.counters.len() - 1
            }
        };
        Ok(Handle(u32::try_from(index)?))
    }

    fn counter_add(&mut self, counter: Handle, n: u64) -> Result<u64> {
        let c = self.counter(counter)?;
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.counter().call_add(&mut self.store, c, n))
    }

    fn counter_drop(&mut self, counter: Handle) -> Result<()> {
        let c = self.counter(counter)?;
        self.counters[counter.0 as usize] = None;
        ok(c.resource_drop(&mut self.store))
    }

    fn call_host(&mut self, n: u32) -> Result<u64> {
        let f = self.plugin.wasmgauge_plugin_calls();
        ok(f.call_call_host(&mut self.store, n))
    }

    fn resize(&mut self, img: &Picture, width: u32, height: u32) -> Result<Picture> {
        let f = self.plugin.wasmgauge_plugin_image();
        Ok(picture(ok(f.call_resize(&mut self.store, &image_of(img), width, height))?))
    }

    fn grayscale(&mut self, img: &Picture) -> Result<Picture> {
        let f = self.plugin.wasmgauge_plugin_image();
        Ok(picture(ok(f.call_grayscale(&mut self.store, &image_of(img)))?))
    }
}
