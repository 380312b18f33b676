//! The report's charts, drawn with plotters into SVG strings that the page inlines. Four
//! shapes: grouped bars with interval whiskers on a log axis, stacked horizontal bars, log-log
//! lines, and lines over categories on a log axis. Legends are left to the page (HTML), so
//! they wrap and print well; every chart here only draws axes, marks and tick labels.
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use stats::Estimate;

pub const WIDTH: u32 = 1040;
const FONT: &str = "sans-serif";

/// Engine colours (Tableau 10, then a few more), assigned by the engine's position.
const PALETTE: &[RGBColor] = &[
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(127, 127, 127),
    RGBColor(57, 59, 121),
    RGBColor(173, 73, 74),
];

/// The colour of engine number `index`, lighter for the second and later runs.
pub fn series_color(index: usize, run: usize) -> RGBColor {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    let t = (0.45 * run as f64).min(0.8);
    let mix = |c: u8| (c as f64 + (255.0 - c as f64) * t).round() as u8;
    RGBColor(mix(r), mix(g), mix(b))
}

pub fn css_color(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing chart: {e}")
}

/// A text style whose rendered size is `px` (the SVG backend writes `size / 1.24`).
fn text_style(px: u32) -> TextStyle<'static> {
    (FONT, px as f64 * 1.24).into_font().color(&BLACK)
}

/// Compact axis tick label for nanoseconds: `10 ns`, `1.5 µs`, `100 ms`.
pub fn axis_ns(v: f64) -> String {
    let (x, unit) = match v {
        v if v >= 1e9 => (v / 1e9, "s"),
        v if v >= 1e6 => (v / 1e6, "ms"),
        v if v >= 1e3 => (v / 1e3, "µs"),
        v => (v, "ns"),
    };
    let rounded = format!("{x:.2}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    format!("{trimmed} {unit}")
}

/// Renders into an SVG string with a white background.
fn render(height: u32, draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>) -> Result<String> {
    render_sized(WIDTH, height, draw)
}

fn render_sized(
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A log axis range that holds every value with some room, and `must_include` if given.
fn log_bounds(values: impl Iterator<Item = f64>, must_include: Option<f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.chain(must_include).filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo.is_finite() && hi.is_finite()).then(|| (lo / 1.6, hi * 1.6))
}

/// Labels under the plot at given x positions (pixels), rotated when they would collide.
fn draw_x_labels(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    labels: &[(i32, String)],
    y: i32,
    slot_px: f64,
) -> Result<()> {
    let longest = labels.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0) as f64;
    let rotate = longest * 7.0 > slot_px * 0.95;
    for (x, label) in labels {
        let style = if rotate {
            text_style(12).transform(FontTransform::Rotate90).pos(Pos::new(HPos::Left, VPos::Center))
        } else {
            text_style(12).pos(Pos::new(HPos::Center, VPos::Top))
        };
        root.draw(&Text::new(label.clone(), (*x, y + 6), style)).map_err(err)?;
    }
    Ok(())
}

/// One series of a grouped bar chart: a value (with interval) per group, or none.
pub struct BarSeries {
    pub color: RGBColor,
    pub values: Vec<Option<Estimate>>,
}

/// Grouped vertical bars on a log axis with 95% interval whiskers, and a reference line
/// (ratio 1 = native).
pub fn grouped_bars_log(
    groups: &[String],
    series: &[BarSeries],
    y_desc: &str,
    reference: Option<f64>,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<Option<String>> {
    let all = series.iter().flat_map(|s| s.values.iter().flatten());
    let Some((lo, hi)) = log_bounds(all.flat_map(|e| [e.ci95_low, e.ci95_high, e.value]), reference) else {
        return Ok(None);
    };
    let longest = groups.iter().map(|g| g.chars().count()).max().unwrap_or(0) as i32;
    let slot = (WIDTH as f64 - 100.0) / groups.len().max(1) as f64;
    let rotated = longest as f64 * 7.0 > slot * 0.95;
    let x_area = if rotated { 16 + longest * 7 } else { 30 };
    render(380 + x_area as u32, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(x_area)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..groups.len() as f64, (lo..hi).log_scale())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(y_desc)
            .y_label_formatter(y_fmt)
            .label_style(text_style(12))
            .axis_desc_style(text_style(13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        if let Some(r) = reference {
            let line = vec![(0.0, r), (groups.len() as f64, r)];
            chart.draw_series(LineSeries::new(line, BLACK.mix(0.6).stroke_width(1))).map_err(err)?;
        }
        let k = series.len().max(1) as f64;
        let bar_w = 0.84 / k;
        for (si, s) in series.iter().enumerate() {
            for (gi, v) in s.values.iter().enumerate() {
                let Some(e) = v else { continue };
                let x0 = gi as f64 + 0.08 + si as f64 * bar_w;
                let (x1, xm) = (x0 + bar_w * 0.9, x0 + bar_w * 0.45);
                chart
                    .draw_series(std::iter::once(Rectangle::new([(x0, lo), (x1, e.value)], s.color.filled())))
                    .map_err(err)?;
                if e.ci95_high > e.ci95_low {
                    let cap = bar_w * 0.25;
                    let whisker = [
                        vec![(xm, e.ci95_low), (xm, e.ci95_high)],
                        vec![(xm - cap, e.ci95_low), (xm + cap, e.ci95_low)],
                        vec![(xm - cap, e.ci95_high), (xm + cap, e.ci95_high)],
                    ];
                    chart
                        .draw_series(whisker.into_iter().map(|p| PathElement::new(p, BLACK.stroke_width(1))))
                        .map_err(err)?;
                }
            }
        }
        let y = chart.backend_coord(&(0.0, lo)).1;
        let labels: Vec<(i32, String)> =
            groups.iter().enumerate().map(|(i, g)| (chart.backend_coord(&(i as f64 + 0.5, lo)).0, g.clone())).collect();
        draw_x_labels(root, &labels, y, slot)
    })
    .map(Some)
}

/// One bar of a stacked bar chart: its label and (segment index, value) parts in order.
pub struct StackRow {
    pub label: String,
    pub parts: Vec<(usize, f64)>,
}

/// Horizontal stacked bars on a linear axis, one row per bar, labels on the left.
pub fn stacked_hbars(
    rows: &[StackRow],
    segment_colors: &[RGBColor],
    x_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<Option<String>> {
    let max = rows.iter().map(|r| r.parts.iter().map(|p| p.1).sum::<f64>()).fold(0.0, f64::max);
    if rows.is_empty() || max <= 0.0 {
        return Ok(None);
    }
    let label_px = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0) as i32 * 7 + 12;
    let height = 70 + 22 * rows.len() as u32;
    render(height, |root| {
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(label_px)
            .build_cartesian_2d(0f64..max * 1.05, 0f64..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(x_desc)
            .x_label_formatter(x_fmt)
            .label_style(text_style(12))
            .axis_desc_style(text_style(13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (i, row) in rows.iter().enumerate() {
            // First row at the top.
            let y0 = n - i as f64 - 0.85;
            let y1 = n - i as f64 - 0.15;
            let mut x = 0.0;
            for &(seg, v) in &row.parts {
                let color = segment_colors[seg % segment_colors.len()];
                chart
                    .draw_series(std::iter::once(Rectangle::new([(x, y0), (x + v, y1)], color.filled())))
                    .map_err(err)?;
                x += v;
            }
            let (px, py) = chart.backend_coord(&(0.0, n - i as f64 - 0.5));
            let style = text_style(12).pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(row.label.clone(), (px - 6, py), style)).map_err(err)?;
        }
        Ok(())
    })
    .map(Some)
}

fn draw_lines<X, Y>(chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>, series: &[LineData]) -> Result<()>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for s in series {
        if s.dashed {
            // A reference line (e.g. ideal linear scaling): dashed, thin, no markers.
            let style = s.color.stroke_width(1);
            chart.draw_series(DashedLineSeries::new(s.points.clone(), 6, 4, style)).map_err(err)?;
            continue;
        }
        let style = s.color.stroke_width(2);
        chart.draw_series(LineSeries::new(s.points.clone(), style)).map_err(err)?;
        chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, s.color.filled()))).map_err(err)?;
    }
    Ok(())
}

/// One line: its colour and (x, y) points; a dashed one is a reference (no markers).
pub struct LineData {
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
}

/// Lines with point markers; x on a log axis when `x_categories` is empty, else categories
/// 0, 1, 2, ... named by it. y always on a log axis.
pub fn lines_log(
    series: &[LineData],
    x_categories: &[&str],
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<Option<String>> {
    let Some((ylo, yhi)) = log_bounds(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)), None) else {
        return Ok(None);
    };
    render(430, |root| {
        if x_categories.is_empty() {
            let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
            let (xlo, xhi) = log_bounds(xs, None).ok_or_else(|| anyhow!("no x values"))?;
            let mut chart = ChartBuilder::on(root)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d((xlo..xhi).log_scale(), (ylo..yhi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(x_fmt)
                .y_label_formatter(y_fmt)
                .label_style(text_style(12))
                .axis_desc_style(text_style(13))
                .light_line_style(RGBColor(235, 235, 235))
                .draw()
                .map_err(err)?;
            draw_lines(&mut chart, series)
        } else {
            let n = x_categories.len() as f64;
            let mut chart = ChartBuilder::on(root)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d(-0.3f64..n - 0.7, (ylo..yhi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_desc(y_desc)
                .y_label_formatter(y_fmt)
                .label_style(text_style(12))
                .axis_desc_style(text_style(13))
                .light_line_style(RGBColor(235, 235, 235))
                .draw()
                .map_err(err)?;
            draw_lines(&mut chart, series)?;
            let y = chart.backend_coord(&(0.0, ylo)).1;
            let labels: Vec<(i32, String)> = x_categories
                .iter()
                .enumerate()
                .map(|(i, c)| (chart.backend_coord(&(i as f64, ylo)).0, c.to_string()))
                .collect();
            draw_x_labels(root, &labels, y, WIDTH as f64 / n)
        }
    })
    .map(Some)
}

/// One point of a trend: the run's position, its value and interval.
#[derive(Clone, Debug)]
pub struct TrendPoint {
    pub x: usize,
    pub value: f64,
    pub ci95: Option<(f64, f64)>,
}

/// A small trend chart (one of many on a page): values over runs on a linear axis with their
/// intervals, and a dashed red line before every run where a change starts.
pub fn trend(points: &[TrendPoint], runs: usize, changes: &[usize], y_fmt: &dyn Fn(&f64) -> String) -> Result<String> {
    let lows = points.iter().map(|p| p.ci95.map_or(p.value, |c| c.0));
    let highs = points.iter().map(|p| p.ci95.map_or(p.value, |c| c.1));
    let lo = lows.fold(f64::INFINITY, f64::min);
    let hi = highs.fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.002).max(1e-9);
    let (ylo, yhi) = (lo - pad, hi + pad);
    render_sized(340, 150, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(6)
            .x_label_area_size(18)
            .y_label_area_size(58)
            .build_cartesian_2d(-0.5f64..runs.max(1) as f64 - 0.5, ylo..yhi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(runs.clamp(2, 12))
            .x_label_formatter(&|x| format!("{}", x.round() as i64 + 1))
            .y_labels(4)
            .y_label_formatter(y_fmt)
            .label_style(text_style(10))
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(err)?;
        let red = RGBColor(214, 39, 40);
        for &c in changes {
            let x = c as f64 - 0.5;
            chart
                .draw_series(DashedLineSeries::new(vec![(x, ylo), (x, yhi)], 4, 3, red.stroke_width(2)))
                .map_err(err)?;
        }
        let blue = RGBColor(31, 119, 180);
        for p in points {
            if let Some((l, h)) = p.ci95 {
                chart
                    .draw_series(LineSeries::new(vec![(p.x as f64, l), (p.x as f64, h)], blue.mix(0.5)))
                    .map_err(err)?;
            }
        }
        chart.draw_series(LineSeries::new(points.iter().map(|p| (p.x as f64, p.value)), blue)).map_err(err)?;
        chart.draw_series(points.iter().map(|p| Circle::new((p.x as f64, p.value), 2, blue.filled()))).map_err(err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(v: f64) -> Option<Estimate> {
        Some(Estimate { value: v, ci95_low: v * 0.9, ci95_high: v * 1.1 })
    }

    #[test]
    fn charts_are_svg_and_empty_data_draws_nothing() {
        let groups = vec!["a".to_string(), "b".to_string()];
        let bars = [BarSeries { color: series_color(0, 0), values: vec![est(2.0), None] }];
        let svg = grouped_bars_log(&groups, &bars, "ratio", Some(1.0), &|v| format!("{v}")).unwrap().unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<rect") && svg.trim_end().ends_with("</svg>"));
        let none = [BarSeries { color: series_color(0, 0), values: vec![None, None] }];
        assert!(grouped_bars_log(&groups, &none, "ratio", None, &|v| format!("{v}")).unwrap().is_none());
        assert!(stacked_hbars(&[], &[], "ms", &|v| format!("{v}")).unwrap().is_none());
        let line = [LineData { color: series_color(1, 1), points: vec![(16.0, 5.0), (1024.0, 50.0)], dashed: false }];
        let svg = lines_log(&line, &[], "bytes", "ns", &|v| format!("{v}"), &|v| format!("{v}")).unwrap().unwrap();
        assert!(svg.contains("<polyline") || svg.contains("<path"), "{svg}");
    }

    #[test]
    fn later_runs_get_lighter_colours() {
        let (a, b) = (series_color(0, 0), series_color(0, 1));
        assert!(b.0 > a.0 && b.1 > a.1 && b.2 > a.2);
        assert_eq!(css_color(RGBColor(255, 0, 16)), "#ff0010");
    }
}
