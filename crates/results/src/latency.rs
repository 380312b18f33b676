//! Per-call latency distributions recorded with HdrHistogram: the quantile table (p50, p90,
//! p99, p99.9, max) and the histogram itself (V2 serialization, base64) are saved together so a
//! report can redraw or merge them.
use anyhow::Result;
use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyRecord {
    /// What one recorded value is: a single call, or the mean call of a small batch (for calls
    /// too short to time one by one without the clock dominating).
    pub unit: String,
    /// Calls per recorded value (1 = each call timed on its own).
    pub batch: u64,
    pub count: u64,
    pub min_ns: u64,
    pub p50_ns: u64,
    pub p90_ns: u64,
    pub p99_ns: u64,
    pub p999_ns: u64,
    pub max_ns: u64,
    pub mean_ns: f64,
    /// The histogram, HdrHistogram V2 format, base64.
    pub histogram_v2_base64: String,
}

/// Builds a record from latencies in nanoseconds (3 significant digits).
pub fn record(values_ns: &[u64], batch: u64) -> Result<LatencyRecord> {
    let mut h = Histogram::<u64>::new(3)?;
    for &v in values_ns {
        h.record(v.max(1))?;
    }
    let mut bytes = Vec::new();
    V2Serializer::new().serialize(&h, &mut bytes).map_err(|e| anyhow::anyhow!("serializing histogram: {e:?}"))?;
    Ok(LatencyRecord {
        unit: if batch == 1 { "ns per call".into() } else { format!("ns per call, mean of batches of {batch} calls") },
        batch,
        count: h.len(),
        min_ns: h.min(),
        p50_ns: h.value_at_quantile(0.5),
        p90_ns: h.value_at_quantile(0.9),
        p99_ns: h.value_at_quantile(0.99),
        p999_ns: h.value_at_quantile(0.999),
        max_ns: h.max(),
        mean_ns: h.mean(),
        histogram_v2_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Reads back the histogram of a record.
pub fn histogram(record: &LatencyRecord) -> Result<Histogram<u64>> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(&record.histogram_v2_base64)?;
    hdrhistogram::serialization::Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| anyhow::anyhow!("reading histogram: {e:?}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quantiles_and_round_trip() {
        let values: Vec<u64> = (1..=1000).collect();
        let r = super::record(&values, 1).unwrap();
        assert_eq!(r.count, 1000);
        assert!((499..=501).contains(&r.p50_ns) && (989..=991).contains(&r.p99_ns), "{r:?}");
        assert_eq!(r.max_ns, 1000);
        let h = super::histogram(&r).unwrap();
        assert_eq!(h.len(), 1000);
        assert_eq!(h.value_at_quantile(0.9), r.p90_ns);
    }
}
