//! `list`: every kata, by chapter, with its status from the last run.
//!
//! It builds nothing: it reads the progress file, so it answers at once.

use std::fmt::Write as _;

use crate::course::discover::Kata;
use crate::learner::state::State;
use crate::report::table::{self, Row};
use crate::ui::{BOLD, DIM};

pub fn render(katas: &[Kata], state: &State) -> String {
    let rows: Vec<Row<'_>> = katas
        .iter()
        .map(|kata| {
            let progress = state.kata(&kata.id);
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
            Row {
                id: &kata.id,
                title: &kata.meta.title,
                chapter: kata.meta.chapter,
                label: table::label(progress.status),
                note: notes.join(", "),
                focused: false,
            }
        })
        .collect();
    let mut out = table::render(&rows);
    let passed = state.passed_among(katas.iter().map(|k| k.id.as_str()));
    let _ = writeln!(out, "\n{BOLD}{passed}/{} passed{BOLD:#}", katas.len());
    let _ = writeln!(
        out,
        "{DIM}Statuses are from your last run of the grader; `cargo run -p grader` grades them all again.{DIM:#}"
    );
    out
}
