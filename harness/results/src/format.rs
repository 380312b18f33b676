//! How figures print: durations and byte counts with three significant digits, estimates with
//! their interval, the noise line under a table, and the one table style every command uses.
use comfy_table::{Table, presets::UTF8_BORDERS_ONLY};
use stats::Estimate;

/// An instruction count (per call) with a unit: `2.152 M instr`, `308.94 k instr`.
pub fn fmt_instructions(v: f64) -> String {
    match v {
        v if v >= 1e9 => format!("{:.3} G instr", v / 1e9),
        v if v >= 1e6 => format!("{:.3} M instr", v / 1e6),
        v if v >= 1e3 => format!("{:.2} k instr", v / 1e3),
        v => format!("{v:.0} instr"),
    }
}

/// A duration in nanoseconds with a unit that keeps 3 significant digits (`17.8 ns`, `392 µs`,
/// `1.66 ms`).
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        return "-".into();
    }
    let (scale, unit) = [(1e9, "s"), (1e6, "ms"), (1e3, "µs")]
        .into_iter()
        .find(|(scale, _)| ns.abs() >= scale * 0.9995)
        .unwrap_or((1.0, "ns"));
    let x = ns / scale;
    let decimals = if x.abs() < 9.995 {
        2
    } else if x.abs() < 99.95 {
        1
    } else {
        0
    };
    format!("{x:.decimals$} {unit}")
}

/// A byte count in binary units with 3 significant digits: `512 B`, `69.1 KiB`, `1.21 MiB`.
pub fn fmt_bytes(b: f64) -> String {
    if !b.is_finite() {
        return "-".into();
    }
    let (scale, unit) = [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        .into_iter()
        .find(|(s, _)| b.abs() >= *s as f64 * 0.9995)
        .unwrap_or((1, "B"));
    let x = b / scale as f64;
    if scale == 1 {
        return format!("{x:.0} B");
    }
    let decimals = if x.abs() < 9.995 {
        2
    } else if x.abs() < 99.95 {
        1
    } else {
        0
    };
    format!("{x:.decimals$} {unit}")
}

/// A table in the terminal's style with this header.
pub fn new_table(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_BORDERS_ONLY);
    table.set_header(header);
    table
}

/// `value [low, high]` of an estimate, with `fmt` for the numbers; the value alone when the
/// interval has no width (a zero-width interval claims a precision nobody measured).
pub fn fmt_estimate(e: &Estimate, fmt: impl Fn(f64) -> String) -> String {
    if e.ci95_high > e.ci95_low {
        format!("{} [{}, {}]", fmt(e.value), fmt(e.ci95_low), fmt(e.ci95_high))
    } else {
        fmt(e.value)
    }
}

/// [`fmt_estimate`] of an estimate made from `n` measurements: one says so (`n = 1`) and shows
/// no interval.
pub fn fmt_estimate_n(e: &Estimate, n: usize, fmt: impl Fn(f64) -> String) -> String {
    if n <= 1 { format!("{} (n = 1)", fmt(e.value)) } else { fmt_estimate(e, fmt) }
}

/// One line on the noise behind a table: outliers (Tukey fences; counted, never dropped) and
/// the highest coefficients of variation, from `(label, summary)` pairs.
pub fn noise_line(summaries: &[(String, &stats::Summary)]) -> String {
    let (mut mild, mut severe, mut with) = (0, 0, 0);
    for (_, s) in summaries {
        mild += s.outliers.low_mild + s.outliers.high_mild;
        severe += s.outliers.low_severe + s.outliers.high_severe;
        with += usize::from(s.outliers.total() > 0);
    }
    let mut by_cv: Vec<&(String, &stats::Summary)> = summaries.iter().filter(|(_, s)| s.cv.is_finite()).collect();
    by_cv.sort_by(|a, b| b.1.cv.total_cmp(&a.1.cv));
    let worst: Vec<String> = by_cv.iter().take(3).map(|(l, s)| format!("{l} {:.1}%", s.cv * 100.0)).collect();
    let noisy = by_cv.iter().filter(|(_, s)| s.cv > 0.05).count();
    format!(
        "Noise: {with} of {} cells have outliers ({mild} mild, {severe} severe samples, kept); {noisy} cells with CV > 5%; highest CV: {}",
        summaries.len(),
        if worst.is_empty() { "-".into() } else { worst.join(", ") }
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_pick_units() {
        assert_eq!(super::fmt_ns(12.34), "12.3 ns");
        assert_eq!(super::fmt_ns(12_340.0), "12.3 µs");
        assert_eq!(super::fmt_ns(1.5e7), "15.0 ms");
        assert_eq!(super::fmt_ns(392_360.0), "392 µs");
        assert_eq!(super::fmt_ns(999_700.0), "1.00 ms");
        assert_eq!(super::fmt_ns(0.7), "0.70 ns");
        assert_eq!(super::fmt_ns(f64::NAN), "-");
        assert_eq!(super::fmt_bytes(70756.0), "69.1 KiB");
        assert_eq!(super::fmt_bytes(512.0), "512 B");
        assert_eq!(super::fmt_bytes(1_270_000.0), "1.21 MiB");
    }
}
