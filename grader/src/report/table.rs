//! The kata table: one row per kata, under its chapter's heading. The
//! grading report, `list` and `watch` all draw it, so a kata looks the same
//! wherever a learner meets it; each says what goes in the rows.

use std::fmt::Write as _;

use anstyle::Style;

use crate::course::discover::Problem;
use crate::ui::{DIM, GREEN, RED, YELLOW};
use crate::verdict::KataStatus;

/// One kata's line.
pub struct Row<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// 0 for a kata whose `kata.toml` could not be read.
    pub chapter: u32,
    pub status: Cell,
    /// Dimmed, after the status: tests passed, hints used, "grading…".
    pub note: String,
    /// Watch's focus, marked with `▶`.
    pub focused: bool,
}

impl<'a> Row<'a> {
    /// A kata whose folder could not be read, with the reason.
    pub fn cannot_be_read(problem: &'a Problem) -> Row<'a> {
        Row {
            id: &problem.id,
            title: problem.meta.as_ref().map_or("", |m| m.title.as_str()),
            chapter: 0,
            status: Cell::CannotBeGraded,
            note: one_line(&problem.message),
            focused: false,
        }
    }
}

/// What a row's status column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Graded(KataStatus),
    NotGradedYet,
    /// A malformed `kata.toml`, a missing `src/lib.rs`: the note says why.
    CannotBeGraded,
}

impl From<Option<KataStatus>> for Cell {
    fn from(status: Option<KataStatus>) -> Cell {
        status.map_or(Cell::NotGradedYet, Cell::Graded)
    }
}

/// A kata's status as the terminal shows it: its label and colour.
pub fn status_label(status: KataStatus) -> (&'static str, Style) {
    let style = match status {
        KataStatus::Passed => GREEN,
        KataStatus::NotStarted => DIM,
        KataStatus::TimedOut | KataStatus::InProgress => YELLOW,
        KataStatus::Failed
        | KataStatus::CompileError
        | KataStatus::Tampered
        | KataStatus::Suspicious => RED,
    };
    (status.label(), style)
}

fn cell_label(cell: Cell) -> (&'static str, Style) {
    match cell {
        Cell::Graded(status) => status_label(status),
        Cell::NotGradedYet => ("  not graded yet", DIM),
        Cell::CannotBeGraded => ("✗ cannot be graded", RED),
    }
}

/// "6/10 tests", "does not compile", or nothing when no test ran.
pub fn tests_note(status: Option<KataStatus>, passed: usize, total: usize) -> String {
    match status {
        Some(KataStatus::CompileError) => "does not compile".into(),
        // The starter of a fix kata passes some tests by design: a count
        // beside "not started" would only confuse.
        Some(KataStatus::NotStarted) => String::new(),
        _ if total == 0 => String::new(),
        _ => format!("{passed}/{total} tests"),
    }
}

/// A reason that may span lines (a TOML error with its snippet), as one
/// line for a table row: for a malformed `kata.toml`, the line, what it
/// says and what is wrong with it (`kata.toml line 2: chapter = "two":
/// invalid type: string "two", expected u32`); otherwise the first line.
pub fn one_line(reason: &str) -> String {
    let first = reason.lines().next().unwrap_or("");
    let Some(at) = first.find("TOML parse error at line ") else {
        return first.to_string();
    };
    let line = first[at + "TOML parse error at line ".len()..]
        .split(',')
        .next()
        .unwrap_or("?");
    let snippet = reason
        .lines()
        .find_map(|l| l.split_once(" | ").map(|(n, text)| (n.trim(), text.trim())))
        .filter(|(n, _)| *n == line)
        .map(|(_, text)| format!(" {text}:"))
        .unwrap_or_default();
    let what = reason
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    format!("kata.toml line {line}:{snippet} {what}")
}

/// The rows by chapter, each chapter under a heading with how many of its
/// katas pass; katas that could not be read come last, under their own.
pub fn render(rows: &[Row<'_>]) -> String {
    let mut ordered: Vec<&Row<'_>> = rows.iter().collect();
    // Stable: within a chapter, the callers' (course) order stays.
    ordered.sort_by_key(|row| (row.chapter == 0, row.chapter));
    let mut out = String::new();
    let mut chapter = None;
    for row in &ordered {
        if chapter != Some(row.chapter) {
            chapter = Some(row.chapter);
            let _ = match row.chapter {
                0 => writeln!(out, "  {DIM}Katas that could not be read{DIM:#}"),
                n => {
                    let (passed, total) =
                        ordered
                            .iter()
                            .filter(|r| r.chapter == n)
                            .fold((0, 0), |(p, t), r| {
                                (
                                    p + usize::from(r.status == Cell::Graded(KataStatus::Passed)),
                                    t + 1,
                                )
                            });
                    writeln!(
                        out,
                        "  {DIM}Chapter {n} · {} · {passed}/{total} passed{DIM:#}",
                        chapter_title(n)
                    )
                }
            };
        }
        let marker = if row.focused { "▶" } else { " " };
        let (label, style) = cell_label(row.status);
        let _ = writeln!(
            out,
            "  {marker} {:<24} {:<42} {style}{label:<16}{style:#} {DIM}{}{DIM:#}",
            row.id, row.title, row.note
        );
    }
    out
}

/// Chapter titles, from the curriculum.
pub fn chapter_title(chapter: u32) -> &'static str {
    match chapter {
        1 => "Futures and the runtime",
        2 => "Time",
        3 => "Channels",
        4 => "select!, cancellation and task control",
        5 => "Shared state",
        6 => "Blocking, files and the network",
        7 => "Errors, observability, capstone",
        8 => "Testing async code, and modern async Rust",
        _ => "More katas",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_toml_error_fits_on_one_line_and_names_the_field() {
        let reason = "the kata file /x/katas/08-retry/kata.toml is malformed: TOML parse error at line 2, column 11\n  |\n2 | chapter = \"two\"\n  |           ^^^^^\ninvalid type: string \"two\", expected u32\n";
        assert_eq!(
            super::one_line(reason),
            "kata.toml line 2: chapter = \"two\": invalid type: string \"two\", expected u32"
        );
        assert_eq!(super::one_line("no src/lib.rs\nmore"), "no src/lib.rs");
    }
}
