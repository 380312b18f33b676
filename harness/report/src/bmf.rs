//! Bencher Metric Format (`report --format bmf`): `{ benchmark: { measure: { value,
//! lower_value, upper_value } } }`, so Bencher or github-action-benchmark can keep history.
//! Times go under the `latency` measure (nanoseconds), with the bootstrap 95% interval as bounds.
use super::model::Model;
use serde_json::{Map, Value, json};

pub fn bmf(model: &Model) -> Value {
    let mut out = Map::new();
    for m in model.metrics.iter().filter(|m| m.unit == "ns") {
        let mut name = format!("{}/{}/{}/{}", m.scenario, m.workload, m.engine, m.metric);
        if model.runs.len() > 1 {
            name = format!("{}/{name}", model.runs[m.run].label);
        }
        let mut measure = json!({ "value": m.value });
        if let Some((lo, hi)) = m.ci95 {
            measure["lower_value"] = json!(lo);
            measure["upper_value"] = json!(hi);
        }
        out.insert(name, json!({ "latency": measure }));
    }
    Value::Object(out)
}
