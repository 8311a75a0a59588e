//! `--report html=FILE`: one web page an instructor opens from CI.
//!
//! The log and the step summary say *that* a test failed; a failing timing
//! test also knows *what happened* in virtual time, and a page can draw it
//! to scale: what the test expected above what the code did, on one time
//! axis, so "b only started once a was done" is seen at a glance.
//!
//! The page is one self-contained file: inline CSS, the timelines as inline
//! SVG, no script and nothing fetched. It opens the same from a workflow's
//! artifact, a download or a mail, offline, and nothing in it can run.
//! Everything it shows comes from the run, and a test's message can quote
//! the student's code, so every piece of text is escaped (quick-xml's
//! escaping, the crate quick-junit already builds).
//!
//! What it draws carries stable hooks, for tests and for anyone who styles
//! the page: each timeline is `<svg class="timeline">`, each bar a
//! `<rect class="bar expected|observed">` with `data-label`,
//! `data-start-ms` and `data-end-ms` (no `data-end-ms` on a bar still
//! running when the test gave up: class `open`; an event is class `event`,
//! ending where it starts), and each side's end `<text class="done …"
//! data-done-ms>`.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::publish::Run;
use super::timeline::{fit, fmt_ms, MAX_LABEL};
use super::{points, required, SUSPICIOUS_EXPLAINED, TAMPERED_EXPLAINED};
use crate::verdict::{Bar, KataResult, KataStatus, TestResult, TestStatus, Timeline, NOT_REQUIRED};

/// The whole page.
pub fn render(run: &Run<'_>) -> String {
    let mut out = String::new();
    let title = escape(run.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n"
    );
    summary(&mut out, run);
    table(&mut out, run);
    if !run.warnings.is_empty() {
        out.push_str("<section class=\"warnings\">\n<h2>Not graded</h2>\n<ul>\n");
        for warning in run.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(warning.as_str()));
        }
        out.push_str("</ul>\n</section>\n");
    }
    let mut timelines = 0;
    for result in run
        .results
        .iter()
        .filter(|r| r.status != KataStatus::Passed)
    {
        kata(&mut out, run, result, &mut timelines);
    }
    out.push_str(
        "<footer>Written by the Tokio Katas grader. Times on the timelines are \
         virtual: the tests run tokio's paused clock, so they are exact.</footer>\n\
         </main>\n</body>\n</html>\n",
    );
    out
}

/// How many katas passed, and the points (toward the assignment, if any).
fn summary(out: &mut String, run: &Run<'_>) {
    let passed = super::passed(run.results);
    match run.assignment {
        None => {
            let total = points::total(run.katas, run.results);
            let _ = writeln!(
                out,
                "<p class=\"summary\"><strong>{passed}/{} katas passed · {}/{} points</strong></p>",
                run.results.len(),
                total.points,
                total.max_points
            );
        }
        Some(a) => {
            let standing = super::standing(run.results, Some(a), run.named);
            let total = points::toward_total(run.katas, run.results, a);
            let _ = writeln!(
                out,
                "<p class=\"summary\"><strong>Assignment {}: {} · {}/{} points</strong></p>\n\
                 <p>{passed}/{} katas passed in all; the others are graded, {NOT_REQUIRED}.</p>",
                escape(a.describe()),
                standing.sentence(),
                total.points,
                total.max_points,
                run.results.len(),
            );
        }
    }
}

/// Every kata graded: status, tests passed, points.
fn table(out: &mut String, run: &Run<'_>) {
    out.push_str(
        "<table class=\"katas\">\n<thead><tr><th>Kata</th><th>Status</th><th>Tests</th>\
         <th>Points</th></tr></thead>\n<tbody>\n",
    );
    for result in run.results {
        let worth = points::of(run.katas, result);
        let name = match result.status {
            KataStatus::Passed => escape(result.id.as_str()).into_owned(),
            _ => format!("<a href=\"#kata-{0}\">{0}</a>", escape(result.id.as_str())),
        };
        let _ = writeln!(
            out,
            "<tr class=\"status-{}\"><td>{name} · {}</td><td class=\"status\">{}{}</td>\
             <td>{}/{}</td><td>{}/{}</td></tr>",
            result.status.code(),
            escape(result.title.as_str()),
            result.status.word(),
            not_required(run, result),
            result.passed_tests(),
            result.tests.len(),
            worth.points,
            worth.max_points
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// ` · not required` for a kata outside the assignment.
fn not_required(run: &Run<'_>, result: &KataResult) -> String {
    match required(run.assignment, &result.id) {
        true => String::new(),
        false => format!(" · {NOT_REQUIRED}"),
    }
}

/// A kata not passed: why, and each test that did not pass. Open when it
/// needs a look (katas named on the command line always do); a required
/// kata not started yet, or one outside the assignment, is folded.
fn kata(out: &mut String, run: &Run<'_>, result: &KataResult, timelines: &mut usize) {
    let open = run.named
        || (result.status != KataStatus::NotStarted && required(run.assignment, &result.id));
    let _ = writeln!(
        out,
        "<details class=\"kata status-{}\" id=\"kata-{}\"{}>\n\
         <summary><h2>{} · {}: <span class=\"status\">{}{}</span></h2></summary>",
        result.status.code(),
        escape(result.id.as_str()),
        if open { " open" } else { "" },
        escape(result.id.as_str()),
        escape(result.title.as_str()),
        result.status.word(),
        not_required(run, result),
    );
    if !result.tests.is_empty() {
        let _ = writeln!(
            out,
            "<p>{} of {} tests passed.</p>",
            result.passed_tests(),
            result.tests.len()
        );
    }
    let lists = [
        (
            KataStatus::Tampered,
            TAMPERED_EXPLAINED,
            &result.tampered_files,
        ),
        (
            KataStatus::Suspicious,
            SUSPICIOUS_EXPLAINED,
            &result.suspicious,
        ),
    ];
    for (status, explained, lines) in lists {
        if result.status == status {
            let _ = writeln!(out, "<p>{}</p>\n<ul>", escape(explained));
            for line in lines {
                let _ = writeln!(out, "<li><code>{}</code></li>", escape(line.as_str()));
            }
            out.push_str("</ul>\n");
        }
    }
    for diagnostic in &result.diagnostics {
        let _ = writeln!(
            out,
            "<pre class=\"diagnostic\">{}</pre>",
            escape(diagnostic.as_str())
        );
    }
    for test in result
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
    {
        test_block(out, test, timelines);
    }
    out.push_str("</details>\n");
}

/// One test that did not pass: its name, message, timeline and output.
fn test_block(out: &mut String, test: &TestResult, timelines: &mut usize) {
    let _ = writeln!(
        out,
        "<article class=\"test status-{}\" data-test=\"{}\">\n\
         <h3><code>{}</code>: {}</h3>\n<pre class=\"message\">{}</pre>",
        test.status.code(),
        escape(test.name.as_str()),
        escape(test.name.as_str()),
        test.status.word(),
        escape(test.message.as_str()),
    );
    if let Some(timeline) = &test.timeline {
        *timelines += 1;
        let _ = writeln!(
            out,
            "<figure>\n<figcaption>Timeline in virtual time: <code>{}</code></figcaption>\n{}</figure>",
            escape(timeline.title.as_str()),
            svg(timeline, *timelines)
        );
    }
    if !test.output.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"output\"><summary>The test's output</summary>\
             <pre>{}</pre></details>",
            escape(test.output.as_str())
        );
    }
    out.push_str("</article>\n");
}

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

/// The page's look: plain, printable, readable in light and dark.
const STYLE: &str = "
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --dim: #6e7781;
  --expected: #8c959f; --observed: #d4a72c; --open: #cf222e; }
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; display: inline; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; font-weight: 600; }
table.katas { border-collapse: collapse; width: 100%; margin: 1rem 0 1.5rem; }
table.katas th, table.katas td { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid #d0d7de80; }
.status-passed .status { color: var(--ok); }
.status-in_progress .status { color: var(--warn); }
.status-not_started .status { color: var(--dim); }
.status-failed .status, .status-compile_error .status, .status-timed_out .status,
.status-tampered .status, .status-suspicious .status { color: var(--bad); }
details.kata { border-top: 1px solid #d0d7de; padding: .75rem 0; }
details.kata > summary { cursor: pointer; }
article.test { margin-left: 1rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #8c959f1f; padding: .5rem .75rem;
  border-radius: 6px; margin: .25rem 0; font-size: 13px; }
figure { margin: .5rem 0 1rem; }
figcaption { color: var(--dim); font-size: 13px; }
svg.timeline { width: 100%; max-width: 960px; height: auto; display: block;
  font: 12px ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; }
svg.timeline text { fill: currentColor; }
svg.timeline text.side, svg.timeline text.tick, svg.timeline text.more { fill: var(--dim); }
svg.timeline text.done { font-weight: 600; }
svg.timeline .bar.expected:not(.open) { fill: var(--expected); }
svg.timeline .bar.observed:not(.open) { fill: var(--observed); }
svg.timeline .bar.open { stroke: var(--open); stroke-width: 1; }
svg.timeline .hatch { fill: var(--open); }
svg.timeline .hatch-ground { fill: #cf222e33; }
svg.timeline .arrow { fill: var(--open); }
svg.timeline .axis, svg.timeline line.tick { stroke: var(--dim); }
svg.timeline .grid { stroke: #8c959f40; stroke-dasharray: 2 3; }
footer { color: var(--dim); font-size: 13px; margin-top: 2rem; }
";

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use quick_xml::events::Event;

    use super::*;
    use crate::report::human::Guide;
    use crate::verdict::tests::result;

    fn bar(label: &str, start_ms: u64, end_ms: Option<u64>) -> Bar {
        Bar {
            label: label.into(),
            start_ms,
            end_ms,
        }
    }

    /// both(a, b) awaited one after the other.
    fn sequential() -> Timeline {
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

    fn page(results: &[KataResult], named: bool) -> String {
        let guide = Guide::default();
        render(&Run {
            katas: &[],
            results,
            named,
            title: "Tokio Katas · graded against main",
            warnings: &["NOTES.md differs from the trusted ref <b>".to_string()],
            guide: &guide,
            assignment: None,
        })
    }

    #[test]
    fn what_the_run_says_is_text_never_markup() {
        let mut kata = result(
            KataStatus::Failed,
            &[
                ("grading::ok", TestStatus::Passed),
                ("grading::slow", TestStatus::Failed),
            ],
        );
        kata.title = "Tom & Jerry's <timeout>".into();
        kata.tests[1].message =
            "expected `Ok(5)` <script>alert(\"x\")</script> & got \"Err\"".into();
        kata.tests[1].output = "thread 'main' panicked: <img src=x onerror=alert(1)>".into();
        kata.tests[1].timeline = Some(Timeline {
            title: "join(<a>, \"b\")".into(),
            ..sequential()
        });
        kata.tests[1].timeline.as_mut().unwrap().observed[0].label = "x\"><script>".into();
        let page = page(&[kata], false);
        assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>"));
        assert!(
            page.contains(
                "expected `Ok(5)` &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; got &quot;Err&quot;"
            ),
            "{page}"
        );
        assert!(page.contains("Tom &amp; Jerry&apos;s &lt;timeout&gt;"));
        assert!(page.contains("data-label=\"x&quot;&gt;&lt;script&gt;\""));
        assert!(page.contains("join(&lt;a&gt;, &quot;b&quot;)"));
        // Self-contained: no script, nothing fetched.
        assert!(
            !page.contains("http") && !page.contains(" src=\"") && !page.contains(" href=\"http"),
            "{page}"
        );
    }

    #[test]
    fn the_page_shows_every_kata_and_each_failing_test_with_its_timeline() {
        let mut failing = result(
            KataStatus::InProgress,
            &[
                ("grading::ok", TestStatus::Passed),
                ("grading::both", TestStatus::Failed),
                ("grading::hangs", TestStatus::TimedOut),
            ],
        );
        failing.tests[1].timeline = Some(sequential());
        let passed = KataResult {
            id: "25-no-thread-sleep".into(),
            title: "Sleep without blocking".into(),
            ..result(KataStatus::Passed, &[("grading::fine", TestStatus::Passed)])
        };
        let page = page(&[failing, passed], false);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("1/2 katas passed"), "{page}");
        assert!(
            page.contains("<td class=\"status\">in progress</td><td>1/3</td>"),
            "{page}"
        );
        assert!(
            page.contains("<td class=\"status\">passed</td><td>1/1</td>"),
            "{page}"
        );
        assert!(page
            .contains("<details class=\"kata status-in_progress\" id=\"kata-07-timeout\" open>"));
        assert!(
            !page.contains("id=\"kata-25-no-thread-sleep\""),
            "no section for a pass"
        );
        assert!(page.contains("<code>grading::both</code>: failed"));
        assert!(page.contains("<code>grading::hangs</code>: timed out"));
        assert!(
            !page.contains("grading::ok<"),
            "passed tests are counted, not listed"
        );
        assert_eq!(page.matches("<svg class=\"timeline\"").count(), 1);
        assert!(page.contains("Not graded"));
    }

    #[test]
    fn a_kata_not_started_is_folded_unless_named() {
        let kata = result(
            KataStatus::NotStarted,
            &[("grading::x!todo", TestStatus::Failed)],
        );
        let folded = page(std::slice::from_ref(&kata), false);
        assert!(folded.contains("id=\"kata-07-timeout\">"), "{folded}");
        let named = page(&[kata], true);
        assert!(named.contains("id=\"kata-07-timeout\" open>"), "{named}");
    }
}
