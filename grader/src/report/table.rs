//! The kata table: one row per kata, under its chapter's heading. The
//! grading report, `list` and `watch` all draw it, so a kata looks the same
//! wherever a learner meets it; each says what goes in the rows.

use std::fmt::Write as _;

use anstyle::Style;

use crate::ui::{DIM, GREEN, RED, YELLOW};
use crate::verdict::KataStatus;

/// One kata's line.
pub struct Row<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// 0 for a kata whose `kata.toml` could not be read.
    pub chapter: u32,
    /// What the status column says, and in which colour.
    pub label: (&'static str, Style),
    /// Dimmed, after the status: tests passed, hints used, "grading…".
    pub note: String,
    /// Watch's focus, marked with `▶`.
    pub focused: bool,
}

/// The status column of a kata graded (`Some`) or never graded (`None`).
pub fn label(status: Option<KataStatus>) -> (&'static str, Style) {
    match status {
        Some(status) => status_label(status),
        None => ("  not graded yet", DIM),
    }
}

/// A kata's status as the terminal shows it: its label and colour.
pub fn status_label(status: KataStatus) -> (&'static str, Style) {
    let style = match status {
        KataStatus::Passed => GREEN,
        KataStatus::NotStarted => DIM,
        KataStatus::TimedOut => YELLOW,
        KataStatus::Failed | KataStatus::CompileError | KataStatus::Tampered => RED,
    };
    (status.label(), style)
}

/// The rows, with a heading each time the chapter changes.
pub fn render(rows: &[Row<'_>]) -> String {
    let mut out = String::new();
    let mut chapter = None;
    for row in rows {
        if chapter != Some(row.chapter) {
            chapter = Some(row.chapter);
            let _ = match row.chapter {
                0 => writeln!(out, "  {DIM}Katas that could not be read{DIM:#}"),
                n => writeln!(out, "  {DIM}Chapter {n} · {}{DIM:#}", chapter_title(n)),
            };
        }
        let marker = if row.focused { "▶" } else { " " };
        let (label, style) = row.label;
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
        _ => "More katas",
    }
}
