//! A failing test's timeline drawn as inline SVG, for the HTML report.
//!
//! The same picture as the terminal's (`report/timeline.rs`), drawn to
//! scale: "expected" rows above "yours" rows, over one time axis with round
//! ticks, so a bar that starts late or runs long is seen at a glance. Each
//! bar says how long it took and each side when it was done; work still
//! running when the test gave up is hatched to the edge with an arrow, and
//! an event is a tick. Coordinates are whole SVG units, computed once per
//! instant, so a bar that starts when another ends starts at exactly its x.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::report::timeline::{MAX_LABEL, fit, fmt_ms};
use crate::verdict::{Bar, Timeline};

/// The drawing's width in SVG units; it scales to the page.
const WIDTH: u64 = 960;
/// One bar's row, and the bar in it.
const ROW: u64 = 24;
const BAR: u64 = 14;
/// The side's name column: `expected`, `yours`.
const SIDE: u64 = 76;
/// Room right of the bars for `still running` and `done at 16729ms`.
const RIGHT: u64 = 230;
/// Between the two sides, and for the axis under them.
const GAP: u64 = 10;
const AXIS: u64 = 34;
/// A character of the 12-unit monospace font is a little under 7.5 wide.
fn text_width(chars: usize) -> u64 {
    chars as u64 * 15 / 2
}

/// Where on the drawing a virtual instant is: both sides share it.
struct Scale {
    left: u64,
    right: u64,
    total: u64,
}

impl Scale {
    fn x(&self, ms: u64) -> u64 {
        let area = u128::from(self.right - self.left);
        self.left + (u128::from(ms.min(self.total)) * area / u128::from(self.total)) as u64
    }
}

/// `timeline` as an inline SVG: "expected" rows, then "yours" rows, over
/// one time axis. `n` makes its element ids unique on the page.
pub fn svg(timeline: &Timeline, n: usize) -> String {
    let labels = timeline
        .expected
        .iter()
        .chain(&timeline.observed)
        .map(|bar| bar.label.chars().count().min(MAX_LABEL))
        .max()
        .unwrap_or(0);
    let label_right = SIDE + text_width(labels);
    let scale = Scale {
        left: label_right + 10,
        right: WIDTH - RIGHT,
        total: timeline.end_ms().max(1),
    };
    let sides = [
        (
            "expected",
            "expected",
            &timeline.expected,
            timeline.more_expected,
        ),
        (
            "observed",
            "yours",
            &timeline.observed,
            timeline.more_observed,
        ),
    ];
    let mut rows = String::new();
    let mut y = 4;
    for (class, name, bars, more) in sides {
        if bars.is_empty() {
            continue;
        }
        let _ = writeln!(
            rows,
            "<text class=\"side\" x=\"0\" y=\"{}\">{name}</text>",
            y + ROW / 2 + 4
        );
        for bar in bars {
            row(&mut rows, bar, class, y, label_right, &scale, n);
            y += ROW;
        }
        let baseline = y - ROW / 2 + 4;
        if more > 0 {
            let _ = writeln!(
                rows,
                "<text class=\"more\" x=\"{}\" y=\"{}\">… and {more} more</text>",
                scale.left,
                y + ROW / 2 + 4
            );
            y += ROW;
        } else {
            let (done, text) = match Timeline::done_at(bars) {
                Some(at) => (
                    format!(" data-done-ms=\"{at}\""),
                    format!("done at {}", fmt_ms(at)),
                ),
                None => (String::new(), "never finished".to_string()),
            };
            let _ = writeln!(
                rows,
                "<text class=\"done {class}\"{done} x=\"{}\" y=\"{baseline}\" text-anchor=\"end\">{text}</text>",
                WIDTH - 4
            );
        }
        y += GAP;
    }
    let height = y + AXIS;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-label=\"timeline in virtual time: {}\">\n<defs><pattern id=\"open-{n}\" \
         width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect class=\"hatch-ground\" width=\"6\" height=\"6\"></rect>\
         <rect class=\"hatch\" width=\"3\" height=\"6\"></rect></pattern></defs>",
        escape(timeline.title.as_str())
    );
    axis(&mut out, &scale, y);
    out.push_str(&rows);
    out.push_str("</svg>\n");
    out
}

/// One bar's row: its label, the bar, and how long it took.
fn row(
    out: &mut String,
    bar: &Bar,
    class: &str,
    y: u64,
    label_right: u64,
    scale: &Scale,
    n: usize,
) {
    let baseline = y + ROW / 2 + 4;
    let label = escape(bar.label.as_str());
    let _ = writeln!(
        out,
        "<text class=\"label\" x=\"{label_right}\" y=\"{baseline}\" text-anchor=\"end\">{}</text>",
        escape(fit(&bar.label, MAX_LABEL))
    );
    let start = scale.x(bar.start_ms);
    let top = y + (ROW - BAR) / 2;
    let data = format!(
        "data-label=\"{label}\" data-start-ms=\"{}\"{}",
        bar.start_ms,
        match bar.end_ms {
            Some(end) => format!(" data-end-ms=\"{end}\""),
            None => String::new(),
        }
    );
    let (shape, after, note) = match bar.end_ms {
        // An event: a tick where it happened.
        Some(end) if end <= bar.start_ms => (
            format!(
                "<rect class=\"bar {class} event\" {data} x=\"{}\" y=\"{}\" width=\"2\" height=\"{}\">",
                start.saturating_sub(1),
                y + 3,
                ROW - 6
            ),
            start + 5,
            format!("at {}", fmt_ms(bar.start_ms)),
        ),
        Some(end) => {
            let width = scale.x(end).saturating_sub(start).max(1);
            (
                format!(
                    "<rect class=\"bar {class}\" {data} x=\"{start}\" y=\"{top}\" width=\"{width}\" height=\"{BAR}\">"
                ),
                start + width + 5,
                fmt_ms(end - bar.start_ms),
            )
        }
        // Still running when the test gave up: hatched to the edge, then an arrow.
        None => {
            let width = scale.right.saturating_sub(start).max(1);
            let edge = start + width;
            let _ = writeln!(
                out,
                "<path class=\"arrow\" d=\"M{edge} {} L{} {} L{edge} {} Z\"></path>",
                top - 3,
                edge + 9,
                top + BAR / 2,
                top + BAR + 3
            );
            (
                format!(
                    "<rect class=\"bar {class} open\" {data} x=\"{start}\" y=\"{top}\" width=\"{width}\" \
                     height=\"{BAR}\" fill=\"url(#open-{n})\">"
                ),
                edge + 14,
                "still running".to_string(),
            )
        }
    };
    let tooltip = match bar.end_ms {
        Some(end) if end <= bar.start_ms => format!("{label}: at {}", fmt_ms(bar.start_ms)),
        Some(end) => format!(
            "{label}: {} to {}, {}",
            fmt_ms(bar.start_ms),
            fmt_ms(end),
            fmt_ms(end - bar.start_ms)
        ),
        None => format!("{label}: from {}, still running", fmt_ms(bar.start_ms)),
    };
    let _ = writeln!(
        out,
        "{shape}<title>{tooltip}</title></rect>\n\
         <text class=\"took\" x=\"{after}\" y=\"{baseline}\">{note}</text>"
    );
}

/// The time axis under the bars, with a faint line up through them at
/// each tick.
fn axis(out: &mut String, scale: &Scale, bottom: u64) {
    let step = tick_step(scale.total);
    let line = bottom + 2;
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{}\" y1=\"{line}\" x2=\"{}\" y2=\"{line}\"></line>",
        scale.left, scale.right
    );
    for ms in (0..=scale.total).step_by(step as usize) {
        let x = scale.x(ms);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{x}\" y1=\"4\" x2=\"{x}\" y2=\"{line}\"></line>\
             <line class=\"tick\" x1=\"{x}\" y1=\"{line}\" x2=\"{x}\" y2=\"{}\"></line>\
             <text class=\"tick\" data-ms=\"{ms}\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            line + 5,
            line + 19,
            fmt_ms(ms)
        );
    }
}

/// A round step (1, 2 or 5 times a power of ten, in ms) that puts at most
/// six ticks after zero on an axis `total` long.
fn tick_step(total: u64) -> u64 {
    let mut magnitude = 1;
    loop {
        for step in [magnitude, 2 * magnitude, 5 * magnitude] {
            if total / step <= 6 {
                return step;
            }
        }
        magnitude *= 10;
    }
}

#[cfg(test)]
pub mod tests {
    use std::collections::BTreeMap;

    use quick_xml::events::Event;

    use super::*;

    fn bar(label: &str, start_ms: u64, end_ms: Option<u64>) -> Bar {
        Bar {
            label: label.into(),
            start_ms,
            end_ms,
        }
    }

    /// both(a, b) awaited one after the other.
    pub fn sequential() -> Timeline {
        Timeline {
            title: "both(a 1586ms future, a 2278ms future)".into(),
            expected: vec![bar("a", 0, Some(1586)), bar("b", 0, Some(2278))],
            observed: vec![bar("a", 0, Some(1586)), bar("b", 1586, Some(3864))],
            more_expected: 0,
            more_observed: 0,
        }
    }

    /// Every element named `tag` in `svg`, as its attributes (the drawing
    /// is well-formed XML, so quick-xml reads it).
    fn elements(svg: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut found = Vec::new();
        loop {
            match reader.read_event().expect("the SVG is well-formed") {
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == tag.as_bytes() => {
                    found.push(
                        e.attributes()
                            .map(|a| {
                                let a = a.unwrap();
                                (
                                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                        .unwrap()
                                        .into_owned(),
                                )
                            })
                            .collect(),
                    );
                }
                Event::Eof => return found,
                _ => {}
            }
        }
    }

    fn bars(svg: &str, side: &str) -> Vec<BTreeMap<String, String>> {
        elements(svg, "rect")
            .into_iter()
            .filter(|r| r["class"].starts_with(&format!("bar {side}")))
            .collect()
    }

    fn num(attrs: &BTreeMap<String, String>, key: &str) -> u64 {
        attrs[key].parse().unwrap()
    }

    #[test]
    fn one_after_the_other_the_second_bar_starts_where_the_first_ends() {
        let svg = svg(&sequential(), 1);
        let (expected, observed) = (bars(&svg, "expected"), bars(&svg, "observed"));
        assert_eq!(expected.len(), 2, "{svg}");
        assert_eq!(observed.len(), 2, "{svg}");
        let (a, b) = (&observed[0], &observed[1]);
        assert_eq!(a["data-label"], "a");
        assert_eq!(b["data-label"], "b");
        assert_eq!(
            (num(b, "data-start-ms"), num(b, "data-end-ms")),
            (1586, 3864)
        );
        assert_eq!(num(a, "x") + num(a, "width"), num(b, "x"), "{svg}");
        // Expected, both start at once, at the same x as yours a.
        assert_eq!(num(&expected[0], "x"), num(&expected[1], "x"));
        assert_eq!(num(&expected[1], "x"), num(a, "x"));
        assert!(num(&expected[1], "x") < num(b, "x"));
        // Each side says when it was done.
        let done: Vec<String> = elements(&svg, "text")
            .into_iter()
            .filter(|t| t["class"].starts_with("done"))
            .map(|t| t["data-done-ms"].clone())
            .collect();
        assert_eq!(done, ["2278", "3864"]);
        assert!(svg.contains("done at 2278ms") && svg.contains("done at 3864ms"));
    }

    #[test]
    fn bars_are_as_wide_as_they_are_long_on_one_scale() {
        let svg = svg(&sequential(), 1);
        let observed = bars(&svg, "observed");
        let (a, b) = (num(&observed[0], "width"), num(&observed[1], "width"));
        // 1586ms against 2278ms, to within a unit of rounding.
        let (a_ms, b_ms) = (1586.0, 2278.0);
        assert!(
            ((a as f64 / b as f64) - a_ms / b_ms).abs() < 0.01,
            "{a} {b}"
        );
        // The longest bar reaches the right end of the time axis.
        let axis = &elements(&svg, "line")
            .into_iter()
            .find(|l| l["class"] == "axis")
            .unwrap();
        assert_eq!(num(&observed[1], "x") + b, num(axis, "x2"));
        // Ticks at round times, each at its place on the same scale.
        let ticks: Vec<(u64, u64)> = elements(&svg, "text")
            .into_iter()
            .filter(|t| t["class"] == "tick")
            .map(|t| (num(&t, "data-ms"), num(&t, "x")))
            .collect();
        let ms: Vec<u64> = ticks.iter().map(|t| t.0).collect();
        assert_eq!(ms, [0, 1000, 2000, 3000]);
        assert_eq!(ticks[0].1, num(&observed[0], "x"));
        assert!(svg.contains(">1s</text>") && svg.contains(">3s</text>"));
    }

    #[test]
    fn work_still_running_is_hatched_to_the_edge_with_an_arrow_and_events_are_ticks() {
        let timeline = Timeline {
            title: "both(a 30647ms future, a 50611ms future) waited".into(),
            expected: Vec::new(),
            observed: vec![
                bar("waiting", 0, None),
                bar("test gave up", 60000, Some(60000)),
            ],
            more_expected: 0,
            more_observed: 0,
        };
        let svg = svg(&timeline, 7);
        assert!(bars(&svg, "expected").is_empty());
        assert!(!svg.contains(">expected<"), "no side without bars: {svg}");
        let observed = bars(&svg, "observed");
        let (open, event) = (&observed[0], &observed[1]);
        assert_eq!(open["class"], "bar observed open");
        assert!(!open.contains_key("data-end-ms"), "{open:?}");
        assert_eq!(open["fill"], "url(#open-7)");
        assert!(svg.contains("<pattern id=\"open-7\""));
        let axis = &elements(&svg, "line")
            .into_iter()
            .find(|l| l["class"] == "axis")
            .unwrap();
        assert_eq!(num(open, "x") + num(open, "width"), num(axis, "x2"));
        assert_eq!(elements(&svg, "path")[0]["class"], "arrow");
        assert!(svg.contains("still running") && svg.contains("never finished"));
        assert_eq!(event["class"], "bar observed event");
        assert_eq!(event["data-end-ms"], "60000");
        assert_eq!(num(event, "width"), 2);
        assert!(svg.contains(">at 60s</text>"), "{svg}");
    }

    #[test]
    fn bars_left_out_are_counted() {
        let mut timeline = sequential();
        timeline.more_observed = 8;
        let svg = svg(&timeline, 1);
        assert!(svg.contains("… and 8 more"), "{svg}");
        assert!(
            !svg.contains("done at 3864ms"),
            "unknown with bars left out"
        );
    }

    #[test]
    fn round_ticks() {
        assert_eq!(tick_step(3864), 1000);
        assert_eq!(tick_step(16800), 5000);
        assert_eq!(tick_step(60000), 10000);
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(503), 100);
    }
}
