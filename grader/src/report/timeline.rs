//! A failing test's timeline, drawn in the terminal.
//!
//! "Took 820ms, expected 503ms" says *that* the code was slow; the two
//! timelines side by side say *why*: here b only started once a was done.
//!
//! ```text
//! expected   a ███████████ 317ms
//!            b ███████████████████ 503ms          done at 503ms
//! yours      a ███████████ 317ms
//!            b            ███████████████████ 503ms   done at 820ms
//! ```
//!
//! Both sides share one scale, so a bar that starts late or runs long is
//! seen at a glance. The picture is plain text with styles that `anstream`
//! drops when the output is not a terminal or `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::Style;

use crate::ui::{DIM, RED, YELLOW};
use crate::verdict::{Bar, Timeline};

/// Rows drawn per side; the rest are counted.
const MAX_ROWS: usize = 12;
/// The widest label column; longer labels are cut with `…`.
pub const MAX_LABEL: usize = 18;
/// Room kept right of the bars for `503ms   done at 820ms`.
const SUFFIX: usize = 26;
const SIDE: usize = 9;

/// `timeline` drawn to fit `width` columns, every line after `indent`.
pub fn draw(timeline: &Timeline, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{indent}{DIM}timeline in virtual time: {}{DIM:#}",
        timeline.title
    );
    let label_width = timeline
        .expected
        .iter()
        .chain(&timeline.observed)
        .map(|bar| bar.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_LABEL);
    let fixed = indent.chars().count() + SIDE + label_width + 2 + SUFFIX;
    let area = width.saturating_sub(fixed).max(10);
    let scale = Scale {
        total: timeline.end_ms().max(1),
        area,
    };
    let sides = [
        ("expected", &timeline.expected, timeline.more_expected, DIM),
        ("yours", &timeline.observed, timeline.more_observed, YELLOW),
    ];
    for (side, bars, more, style) in sides {
        if bars.is_empty() {
            continue;
        }
        let shown = bars.len().min(MAX_ROWS);
        for (i, bar) in bars.iter().take(shown).enumerate() {
            let name = if i == 0 { side } else { "" };
            let label = fit(&bar.label, label_width);
            let (cells, suffix) = row(bar, &scale, style);
            let mut line = format!("{indent}{name:<SIDE$}{label:>label_width$} {cells} {suffix}");
            if i + 1 == shown && more == 0 {
                let done = match Timeline::done_at(bars) {
                    Some(at) => format!("done at {}", fmt_ms(at)),
                    None => "never finished".to_string(),
                };
                // Line the ends up: the space the bars did not take, then it.
                let used = visible_width(&line);
                let target = fixed - SUFFIX + area + 12;
                let pad = target.saturating_sub(used).max(3);
                let _ = write!(line, "{:pad$}{done}", "");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let left = bars.len() - shown + more;
        if left > 0 {
            let _ = writeln!(
                out,
                "{indent}{:SIDE$}{:label_width$} … and {left} more",
                "", ""
            );
        }
    }
    out
}

struct Scale {
    total: u64,
    area: usize,
}

impl Scale {
    fn column(&self, ms: u64) -> usize {
        ((ms as u128 * self.area as u128) / self.total as u128) as usize
    }
}

/// The bar's cells and what is written after them.
fn row(bar: &Bar, scale: &Scale, style: Style) -> (String, String) {
    let start = scale.column(bar.start_ms).min(scale.area.saturating_sub(1));
    match bar.end_ms {
        // An event: a tick where it happened.
        Some(end) if end <= bar.start_ms => (
            format!("{:start$}{style}│{style:#}", ""),
            format!("at {}", fmt_ms(bar.start_ms)),
        ),
        Some(end) => {
            let end_col = scale.column(end).max(start + 1);
            (
                format!(
                    "{:start$}{style}{}{style:#}",
                    "",
                    "█".repeat(end_col - start)
                ),
                fmt_ms(end - bar.start_ms),
            )
        }
        // Still running when the test gave up: to the edge, then an arrow.
        None => {
            let cells = scale.area.saturating_sub(start).max(1);
            (
                format!("{:start$}{RED}{}▶{RED:#}", "", "░".repeat(cells - 1)),
                "still running".to_string(),
            )
        }
    }
}

/// `label` cut to `width` characters, with `…` where it was cut.
pub fn fit(label: &str, width: usize) -> String {
    if label.chars().count() <= width {
        return label.to_string();
    }
    let mut cut: String = label.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Milliseconds the way a person reads them: `317ms`, `2s`, `1.5s`.
pub fn fmt_ms(ms: u64) -> String {
    if ms < 1000 || !ms.is_multiple_of(100) {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{}.{}s", ms / 1000, (ms % 1000) / 100)
    }
}

/// Columns `text` takes on screen: its characters, minus style escapes.
fn visible_width(text: &str) -> usize {
    crate::pipeline::explain::strip_ansi(text).chars().count()
}

/// The width to draw at: the terminal's, or 100 columns when the output
/// is not a terminal (a log, a pipe).
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Ok((columns, _)) = crossterm::terminal::size()
    {
        return usize::from(columns).max(40);
    }
    100
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, start_ms: u64, end_ms: Option<u64>) -> Bar {
        Bar {
            label: label.into(),
            start_ms,
            end_ms,
        }
    }

    fn plain(text: &str) -> String {
        crate::pipeline::explain::strip_ansi(text)
    }

    fn sequential() -> Timeline {
        Timeline {
            title: "both(a 300ms future, a 500ms future)".into(),
            expected: vec![bar("a", 0, Some(300)), bar("b", 0, Some(500))],
            observed: vec![bar("a", 0, Some(300)), bar("b", 300, Some(800))],
            more_expected: 0,
            more_observed: 0,
        }
    }

    #[test]
    fn one_after_the_other_is_seen_at_a_glance() {
        let drawn = plain(&draw(&sequential(), 80, "  "));
        let lines: Vec<&str> = drawn.lines().collect();
        assert_eq!(lines.len(), 5, "{drawn}");
        assert!(lines[0].contains("both(a 300ms future, a 500ms future)"));
        assert!(lines[1].starts_with("  expected a █"), "{drawn}");
        assert!(lines[2].ends_with("done at 500ms"), "{drawn}");
        assert!(lines[3].starts_with("  yours    a █"), "{drawn}");
        assert!(lines[4].ends_with("done at 800ms"), "{drawn}");
        // On one scale: yours b starts where a ends, and reaches further.
        let column = |line: &str, last: bool| {
            let cells: Vec<usize> = line
                .chars()
                .enumerate()
                .filter(|(_, c)| *c == '█')
                .map(|(i, _)| i)
                .collect();
            if last {
                cells[cells.len() - 1]
            } else {
                cells[0]
            }
        };
        assert!(column(lines[4], false) > column(lines[3], true), "{drawn}");
        assert!(column(lines[4], true) > column(lines[2], true), "{drawn}");
        assert!(drawn.lines().all(|l| l.chars().count() <= 80), "{drawn}");
    }

    #[test]
    fn the_drawing_fits_the_width_it_is_given() {
        for width in [70, 100, 200] {
            let drawn = plain(&draw(&sequential(), width, "      "));
            let widest = drawn.lines().skip(1).map(|l| l.chars().count()).max();
            assert!(widest <= Some(width), "{width}: {drawn}");
        }
        let wide = plain(&draw(&sequential(), 200, ""));
        let narrow = plain(&draw(&sequential(), 60, ""));
        let cells = |s: &str| s.chars().filter(|&c| c == '█').count();
        assert!(cells(&wide) > 2 * cells(&narrow));
    }

    #[test]
    fn work_that_never_ended_and_events_are_drawn_apart() {
        let timeline = Timeline {
            title: "shutdown".into(),
            expected: Vec::new(),
            observed: vec![bar("signal sent", 250, Some(250)), bar("waiting", 0, None)],
            more_expected: 0,
            more_observed: 70,
        };
        let drawn = plain(&draw(&timeline, 90, ""));
        assert!(!drawn.contains("expected"), "{drawn}");
        assert!(drawn.contains("│ at 250ms"), "{drawn}");
        assert!(drawn.contains("▶ still running"), "{drawn}");
        assert!(drawn.contains("… and 70 more"), "{drawn}");
    }

    #[test]
    fn times_read_naturally() {
        assert_eq!(fmt_ms(317), "317ms");
        assert_eq!(fmt_ms(2000), "2s");
        assert_eq!(fmt_ms(1500), "1.5s");
        assert_eq!(fmt_ms(1234), "1234ms");
    }
}
