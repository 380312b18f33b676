//! Per-call latency distributions recorded with HdrHistogram: the quantile table (p50, p90,
//! p99, p99.9, max) and the histogram itself (V2 serialization, base64) are saved together so a
//! report can redraw or merge them.
use anyhow::Result;
use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer, V2Serializer};
use serde::{Deserialize, Serialize};
use stats::Estimate;

/// Per-call latency in an HdrHistogram, with its quantiles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyRecord {
    /// What one recorded value is: a single call, or the mean call of a small batch (for calls
    /// too short to time one by one without the clock dominating).
    pub unit: String,
    /// Calls per recorded value (1 = each call timed on its own).
    pub batch: u64,
    /// Values recorded.
    pub count: u64,
    /// The smallest.
    pub min_ns: u64,
    /// The median.
    pub p50_ns: u64,
    /// The 90th percentile.
    pub p90_ns: u64,
    /// The 99th percentile.
    pub p99_ns: u64,
    /// The 99.9th percentile.
    pub p999_ns: u64,
    /// The largest.
    pub max_ns: u64,
    /// The mean.
    pub mean_ns: f64,
    /// The histogram, HdrHistogram V2 format, base64.
    pub histogram_v2_base64: String,
    /// Schema 9: for a cell measured in several worker processes (the histogram above then
    /// merges theirs), each process's p50 and p99 and their geometric means with the t 95%
    /// interval across processes (`stats::levels`): the figures the report shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub across: Option<QuantilesAcross>,
}

/// Latency quantiles of a cell's worker processes (schema 9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantilesAcross {
    /// Processes.
    pub processes: usize,
    /// Each process's p50.
    pub p50_ns: Vec<u64>,
    /// Each process's p99.
    pub p99_ns: Vec<u64>,
    /// The geometric mean of the p50s with its interval.
    pub p50: Estimate,
    /// The geometric mean of the p99s with its interval.
    pub p99: Estimate,
}

/// The records of a cell's processes as one: their histograms merged, their p50 and p99 taken
/// across processes when there are several.
pub fn merge(records: &[&LatencyRecord]) -> Result<LatencyRecord> {
    let first = records.first().ok_or_else(|| anyhow::anyhow!("no latency record to merge"))?;
    // A fresh histogram resizes itself to every range it is given; a deserialized one does not.
    let mut h = Histogram::<u64>::new(3)?;
    for r in records {
        h.add(histogram(r)?).map_err(|e| anyhow::anyhow!("merging histograms: {e:?}"))?;
    }
    let mut merged = from_histogram(&h, first.batch)?;
    let p50_ns: Vec<u64> = records.iter().map(|r| r.p50_ns).collect();
    let p99_ns: Vec<u64> = records.iter().map(|r| r.p99_ns).collect();
    let across = |v: &[u64]| stats::levels::geometric_mean_t(&v.iter().map(|&x| x as f64).collect::<Vec<_>>(), 0.95);
    if let (Some(p50), Some(p99)) = (across(&p50_ns), across(&p99_ns)) {
        merged.across = Some(QuantilesAcross { processes: records.len(), p50_ns, p99_ns, p50, p99 });
    }
    Ok(merged)
}

/// Builds a record from latencies in nanoseconds (3 significant digits).
pub fn record(values_ns: &[u64], batch: u64) -> Result<LatencyRecord> {
    let mut h = Histogram::<u64>::new(3)?;
    for &v in values_ns {
        h.record(v.max(1))?;
    }
    from_histogram(&h, batch)
}

fn from_histogram(h: &Histogram<u64>, batch: u64) -> Result<LatencyRecord> {
    let mut bytes = Vec::new();
    V2Serializer::new().serialize(h, &mut bytes).map_err(|e| anyhow::anyhow!("serializing histogram: {e:?}"))?;
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
        across: None,
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

    #[test]
    fn merged_records_count_every_call_and_carry_the_spread_across_processes() {
        let a = super::record(&(1..=1000).collect::<Vec<u64>>(), 1).unwrap();
        // Far apart ranges: a merge into a deserialized histogram would overflow its range.
        let b = super::record(&(1001..=2000).map(|v| v * 1000).collect::<Vec<u64>>(), 1).unwrap();
        let m = super::merge(&[&a, &b]).unwrap();
        assert_eq!(m.count, 2000);
        assert!((999..=1001).contains(&m.p50_ns) && m.max_ns >= 1_999_000, "{m:?}");
        let across = m.across.unwrap();
        assert_eq!((across.processes, across.p50_ns.clone()), (2, vec![a.p50_ns, b.p50_ns]));
        assert!(across.p50.ci95_low < 500.0 && across.p50.ci95_high > 1.5e6, "{across:?}");
        assert!(super::merge(&[&a]).unwrap().across.is_none());
    }
}
