//! The knobs every configuration records (a results file lists them per configuration), and
//! their usual variants: written once here, not per adapter.
use crate::engine::EngineOptions;

/// A configuration's knobs, in the order they are set (a later one of the same name wins).
pub type Knobs = Vec<(&'static str, String)>;

/// Knobs shared by every compiling configuration: compile threads, cache, fuel, epochs.
pub fn common(options: &EngineOptions) -> Knobs {
    let on_off = |on: bool, what: &str| if on { what.to_string() } else { "off".into() };
    vec![
        ("compile_threads", options.compile_threads.to_string()),
        ("cache", "off".into()),
        ("fuel", on_off(options.limits.instruction_counting, "on (limit u64::MAX, never exhausted)")),
        ("epoch_interruption", on_off(options.limits.epoch_interruption, "on (deadline never reached)")),
    ]
}

/// [`common`] for a runtime that translates on one thread whatever is asked: its
/// `compile_threads` says what really happens.
pub fn single_threaded(options: &EngineOptions, compile_threads: &str) -> Knobs {
    let mut knobs = common(options);
    set(&mut knobs, "compile_threads", compile_threads);
    knobs
}

/// Sets `key` to `value`, replacing an earlier value of it.
pub fn set(knobs: &mut Knobs, key: &'static str, value: impl Into<String>) {
    knobs.retain(|(k, _)| *k != key);
    knobs.push((key, value.into()));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_single_threaded_runtime_records_what_it_does() {
        let knobs = super::single_threaded(&Default::default(), "1 (no threads)");
        let threads: Vec<&String> = knobs.iter().filter(|(k, _)| *k == "compile_threads").map(|(_, v)| v).collect();
        assert_eq!(threads, ["1 (no threads)"]);
        assert!(knobs.iter().any(|(k, v)| *k == "fuel" && v == "off"));
    }
}
