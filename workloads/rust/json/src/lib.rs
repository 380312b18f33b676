//! Workload `json`: parse a JSON document into a DOM, total its numbers, serialize it back;
//! the checksum covers the serialized text and the total.
use serde_json::Value;

fn total(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::Array(a) => a.iter().map(total).sum(),
        Value::Object(o) => o.values().map(total).sum(),
        _ => 0.0,
    }
}

pub fn run(input: &[u8]) -> u64 {
    let doc: Value = serde_json::from_slice(input).expect("input is valid JSON");
    let out = serde_json::to_vec(&doc).expect("serializes");
    wg_common::mix(wg_common::fnv1a(&out), total(&doc).to_bits())
}

/// A JSON array of `n` order records.
pub fn input(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = wg_common::Rng::new(seed);
    let mut s = String::from("[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let items: Vec<String> = (0..1 + rng.below(4))
            .map(|_| {
                format!(
                    "{{\"sku\":\"SKU-{:05}\",\"qty\":{},\"price\":{:.2}}}",
                    rng.below(100_000),
                    1 + rng.below(9),
                    rng.unit_f64() * 500.0
                )
            })
            .collect();
        s.push_str(&format!(
            "{{\"id\":{i},\"customer\":\"{}\",\"email\":\"user{}@example.com\",\"paid\":{},\"tags\":[\"{}\",\"{}\"],\"items\":[{}],\"note\":\"{}\"}}",
            wg_common::text(12, rng.next_u64()).trim(),
            rng.below(10_000),
            rng.below(2) == 0,
            ["new", "vip", "returning"][rng.below(3) as usize],
            ["eu", "us", "apac"][rng.below(3) as usize],
            items.join(","),
            wg_common::text(40, rng.next_u64()).replace('\n', " ").trim(),
        ));
    }
    s.push(']');
    s.into_bytes()
}

wg_common::export_workload!(run);

#[cfg(test)]
mod tests {
    #[test]
    fn input_parses_and_round_trips() {
        let data = super::input(20, 5);
        let v: serde_json::Value = serde_json::from_slice(&data).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 20);
        assert_eq!(super::run(&data), super::run(&data));
    }
}
