//! The sections of a results file, one module per typed scenario, and [`Scenarios`], the
//! struct that holds them, made by one list ([`sections!`]).
//!
//! A typed section implements [`Section`]: its scenario's id, how two files' sections merge,
//! and its figures in the one flattening ([`crate::cells`]). The list is the only place that
//! names every section: it makes the `Scenarios` fields and the loops of
//! [`Scenarios::merge`] and [`Scenarios::flatten`], so a section added to it is merged and
//! flattened, and a section type that lacks a merge or a flattening does not compile. Sections
//! of registered scenarios without a type of their own are [`generic`] ones, by name.
use crate::cells::Flat;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod call_overhead;
pub mod cold_start;
pub mod component_calls;
pub mod component_invoke;
pub mod concurrency;
pub mod density;
pub mod export_call;
pub mod generic;
pub mod latency;
pub mod memory;
pub mod plugin_calls;
pub mod sandbox_tax;
pub mod throughput;
pub mod wasi_command;

pub use crate::section::{EngineCell, Section};
use generic::GenericSection;

/// Joins `from` into `into`, where either has the section.
fn merge_one<S: Section>(into: &mut Option<S>, from: Option<S>) -> Result<()> {
    match (into.as_mut(), from) {
        (Some(i), Some(f)) => i.merge(f).with_context(|| format!("merging the {} sections", S::ID)),
        (None, from) => {
            *into = from;
            Ok(())
        }
        (Some(_), None) => Ok(()),
    }
}

/// The typed sections, one line each: the field of [`Scenarios`] (its JSON key) and its type.
macro_rules! sections {
    ($(#[$sdoc:meta])* pub struct $name:ident { $($(#[$doc:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$sdoc])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Sections of registered scenarios without a typed field above, by scenario name
            /// (schema 5).
            #[serde(flatten)]
            pub other: BTreeMap<String, GenericSection>,
        }

        impl $name {
            /// The ids of the typed sections, in file order.
            pub const TYPED: &'static [&'static str] = &[$(<$ty as Section>::ID),*];

            /// Joins another file's sections into these: every typed section and every
            /// generic one.
            pub fn merge(&mut self, from: $name) -> Result<()> {
                let $name { $($field,)* other } = from;
                $(merge_one(&mut self.$field, $field)?;)*
                for (name, section) in other {
                    match self.other.get_mut(&name) {
                        Some(mine) => mine.cells.extend(section.cells),
                        None => {
                            self.other.insert(name, section);
                        }
                    }
                }
                Ok(())
            }

            /// The figures and problems of every section.
            pub fn flatten(&self, out: &mut Flat) {
                $(if let Some(s) = &self.$field {
                    s.flatten(out);
                })*
                generic::flatten(&self.other, out);
            }
        }
    };
}

sections! {
    /// Every section of a results file: the typed ones and the generic sections of registered
    /// scenarios, by name.
    pub struct Scenarios {
        /// `throughput`.
        throughput: throughput::ThroughputSection,
        /// `run --module APP.wasm --export F`.
        export_call: export_call::ExportCallSection,
        /// `run --module APP.wasm --wasi` (schema 6).
        wasi_command: wasi_command::WasiCommandSection,
        /// `latency`.
        latency: latency::LatencySection,
        /// `cold-start` and the process cold starts.
        cold_start: cold_start::ColdStartSection,
        /// `call-overhead`.
        call_overhead: call_overhead::CallOverheadSection,
        /// `memory` (schema 3).
        memory: memory::MemorySection,
        /// `density` (schema 3).
        density: density::DensitySection,
        /// `concurrency` (schema 3).
        concurrency: concurrency::ConcurrencySection,
        /// `sandbox-tax` (schema 3).
        sandbox_tax: sandbox_tax::SandboxTaxSection,
        /// `component-calls` (schema 11).
        component_calls: component_calls::ComponentCallsSection,
        /// `run --component C.wasm --invoke 'f(..)'` (schema 11).
        component_invoke: component_invoke::ComponentInvokeSection,
        /// `plugin-calls` (schema 12).
        plugin_calls: plugin_calls::PluginCallsSection,
    }
}

#[cfg(test)]
mod tests {
    //! The proof of the typed-section recipe: a new section is its module (here, `Hello`: its
    //! id, its merge and its flattening) and one line of the list; the list then merges and
    //! flattens it with the others, and files round-trip through JSON with it.
    use super::*;
    use crate::values::CellStatus;

    /// A trivial typed section: one figure per engine.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    pub struct Hello {
        cells: Vec<(String, f64)>,
    }

    impl Section for Hello {
        const ID: &'static str = "hello";

        fn merge(&mut self, other: Self) -> Result<()> {
            self.cells.extend(other.cells);
            Ok(())
        }

        fn flatten(&self, out: &mut Flat) {
            for (engine, v) in &self.cells {
                out.point(Self::ID, "", engine, "greetings", "count", *v);
            }
            out.problem(Self::ID, "", "nobody", CellStatus::Skipped, Some("not asked"));
        }
    }

    sections! {
        /// The file's sections with one more: `hello`.
        pub struct WithHello {
            /// `throughput`.
            throughput: throughput::ThroughputSection,
            /// The new one.
            hello: Hello,
        }
    }

    #[test]
    fn one_line_of_the_list_merges_flattens_and_stores_a_new_section() {
        let mut a = WithHello { hello: Some(Hello { cells: vec![("e1".into(), 1.0)] }), ..Default::default() };
        let b = WithHello { hello: Some(Hello { cells: vec![("e2".into(), 2.0)] }), ..Default::default() };
        a.merge(b).unwrap();
        assert_eq!(WithHello::TYPED, ["throughput", "hello"]);
        let mut out = Flat::new(None, None);
        a.flatten(&mut out);
        let (cells, problems) = out.finish();
        let engines: Vec<&str> = cells.iter().filter(|c| c.scenario == "hello").map(|c| c.engine.as_str()).collect();
        assert_eq!(engines, ["e1", "e2"]);
        assert_eq!(problems.len(), 1);
        let text = serde_json::to_string(&a).unwrap();
        assert!(text.contains("\"hello\""), "{text}");
        assert_eq!(serde_json::from_str::<WithHello>(&text).unwrap(), a);
    }
}
