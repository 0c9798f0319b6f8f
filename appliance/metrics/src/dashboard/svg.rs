//! Plots drawn on the server as inline SVG: no script, nothing fetched by the browser. Every
//! drawn datum carries its value in `data-value`, so a test (or a screen reader's user agent)
//! can read what is plotted.

use std::fmt::Write as _;

use super::html::escape;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;

/// A reference line across a chart (a MITI threshold).
pub struct Threshold {
    /// Its value on the y axis.
    pub value: f64,
    /// What it marks.
    pub label: &'static str,
}

fn open(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{t}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = escape(title)
    );
}

/// A "nice" upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `max`.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|&v| v >= max).unwrap_or(max)
}

fn axes(out: &mut String, y_max: f64) {
    let plot_bottom = HEIGHT - BOTTOM;
    for step in 0..=4 {
        let value = y_max * f64::from(step) / 4.0;
        let y = plot_bottom - (plot_bottom - TOP) * f64::from(step) / 4.0;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{value}</text>",
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6.0,
            ty = y + 4.0,
            value = format_number(value)
        );
    }
}

fn format_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn x_labels(out: &mut String, labels: &[String], x_of: impl Fn(usize) -> f64) {
    // At most about ten labels, evenly spread.
    let every = labels.len().div_ceil(10).max(1);
    for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{label}</text>",
            x = x_of(i),
            y = HEIGHT - BOTTOM + 16.0,
            label = escape(label)
        );
    }
}

/// A bar chart of `bars` (label, value).
pub fn bars(title: &str, bars: &[(String, f64)]) -> String {
    let mut out = String::with_capacity(512 + bars.len() * 160);
    open(&mut out, title);
    let y_max = nice_max(bars.iter().map(|(_, v)| *v).fold(0.0, f64::max));
    axes(&mut out, y_max);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - BOTTOM - TOP;
    let slot = plot_width / bars.len().max(1) as f64;
    let width = (slot * 0.8).max(1.0);
    for (i, (label, value)) in bars.iter().enumerate() {
        let height = plot_height * value / y_max;
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" \
             data-label=\"{label}\" data-value=\"{value}\"><title>{label}: {value}</title></rect>",
            x = LEFT + slot * i as f64 + (slot - width) / 2.0,
            y = HEIGHT - BOTTOM - height,
            label = escape(label),
            value = format_number(*value)
        );
    }
    let labels: Vec<String> = bars.iter().map(|(l, _)| l.clone()).collect();
    x_labels(&mut out, &labels, |i| LEFT + slot * (i as f64 + 0.5));
    out.push_str("</svg>");
    out
}

/// A line chart of `points` (label, value or a gap), with reference lines, on 0..`y_max` (or a
/// bound from the data when `None`).
pub fn line(
    title: &str,
    points: &[(String, Option<f64>)],
    thresholds: &[Threshold],
    y_max: Option<f64>,
) -> String {
    let mut out = String::with_capacity(512 + points.len() * 120);
    open(&mut out, title);
    let data_max = points.iter().filter_map(|(_, v)| *v).fold(0.0, f64::max);
    let threshold_max = thresholds.iter().map(|t| t.value).fold(0.0, f64::max);
    let y_max = y_max.unwrap_or_else(|| nice_max(data_max.max(threshold_max)));
    axes(&mut out, y_max);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_bottom = HEIGHT - BOTTOM;
    let step = plot_width / points.len().max(1) as f64;
    let x_of = |i: usize| LEFT + step * (i as f64 + 0.5);
    let y_of = |v: f64| plot_bottom - (plot_bottom - TOP) * (v.min(y_max) / y_max);
    for threshold in thresholds {
        let y = y_of(threshold.value);
        let _ = write!(
            out,
            "<line class=\"threshold\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"threshold-label\" x=\"{x2}\" y=\"{ly:.1}\" text-anchor=\"end\">{label}</text>",
            x2 = WIDTH - RIGHT,
            ly = y - 3.0,
            label = escape(threshold.label)
        );
    }
    // One polyline per run of points without a gap.
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut String| {
        if run.len() > 1 {
            let _ = write!(out, "<polyline class=\"series\" points=\"{}\"/>", run.join(" "));
        }
        run.clear();
    };
    for (i, (_, value)) in points.iter().enumerate() {
        match value {
            Some(v) => run.push(format!("{:.1},{:.1}", x_of(i), y_of(*v))),
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    for (i, (label, value)) in points.iter().enumerate() {
        if let Some(v) = value {
            let _ = write!(
                out,
                "<circle class=\"point\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\" data-label=\"{label}\" \
                 data-value=\"{v:.2}\"><title>{label}: {v:.2}</title></circle>",
                x = x_of(i),
                y = y_of(*v),
                label = escape(label)
            );
        }
    }
    let labels: Vec<String> = points.iter().map(|(l, _)| l.clone()).collect();
    x_labels(&mut out, &labels, x_of);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_points_carry_their_values() {
        let chart = bars("Sessions", &[("w1".into(), 3.0), ("w2".into(), 12.0)]);
        assert_eq!(chart.matches("<rect class=\"bar\"").count(), 2);
        assert!(chart.contains("data-value=\"12\""));
        let chart = line(
            "Ratio",
            &[("a".into(), Some(1.5)), ("b".into(), None), ("c".into(), Some(2.0))],
            &[],
            None,
        );
        assert_eq!(chart.matches("<circle class=\"point\"").count(), 2);
        assert!(!chart.contains("<polyline"), "a gap splits the line into single points");
        assert_eq!(nice_max(37.0), 50.0);
        assert_eq!(nice_max(0.0), 1.0);
    }
}
