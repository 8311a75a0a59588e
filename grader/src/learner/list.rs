//! `list`: every kata, by chapter, with its status from the last run.
//!
//! It builds nothing: it reads the progress file, so it answers at once.

use std::fmt::Write as _;

use crate::course::discover::Kata;
use crate::learner::state::State;
use crate::report::human::{chapter_title, status_label};
use crate::ui::{BOLD, DIM};

pub fn render(katas: &[Kata], state: &State) -> String {
    let mut out = String::new();
    let mut chapter = 0;
    for kata in katas {
        if kata.meta.chapter != chapter {
            chapter = kata.meta.chapter;
            let _ = writeln!(
                out,
                "{DIM}Chapter {chapter} · {}{DIM:#}",
                chapter_title(chapter)
            );
        }
        let progress = state.kata(&kata.id);
        let (label, style) = match progress.status {
            Some(status) => status_label(status),
            None => ("  not graded yet", DIM),
        };
        let mut notes = Vec::new();
        if progress.total_tests > 0 {
            notes.push(format!(
                "{}/{} tests",
                progress.passed_tests, progress.total_tests
            ));
        }
        if progress.hints_shown > 0 {
            notes.push(format!(
                "{}/{} hints",
                progress.hints_shown,
                kata.meta.hints.len()
            ));
        }
        let notes = notes.join(", ");
        let _ = writeln!(
            out,
            "  {:<24} {:<42} {style}{label:<16}{style:#} {DIM}{notes}{DIM:#}",
            kata.id, kata.meta.title
        );
    }
    let passed = state.passed_among(katas.iter().map(|k| k.id.as_str()));
    let _ = writeln!(out, "\n{BOLD}{passed}/{} passed{BOLD:#}", katas.len());
    let _ = writeln!(
        out,
        "{DIM}Statuses are from your last run of the grader; `cargo run -p grader` grades them all again.{DIM:#}"
    );
    out
}
