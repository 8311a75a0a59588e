//! `list`: every kata, by chapter, with its status from the last run, how
//! far each chapter and the whole course are, and the hints used.
//!
//! It builds nothing: it reads the progress file, so it answers at once.
//! Katas whose folder cannot be read are listed too, with the reason: a
//! kata must never vanish from the course because its `kata.toml` has a
//! typo.

use std::fmt::Write as _;

use serde_json::json;

use crate::course::discover::{Kata, Repo};
use crate::learner::state::State;
use crate::report::table::{self, Row};
use crate::ui::{BOLD, DIM};
use crate::verdict::KataStatus;

pub fn render(repo: &Repo, state: &State) -> String {
    let mut rows: Vec<Row<'_>> = repo.katas.iter().map(|kata| row(kata, state)).collect();
    rows.extend(repo.problems.iter().map(Row::cannot_be_read));
    let mut out = table::render(&rows);
    let katas = &repo.katas;
    let passed = state.passed_among(katas.iter().map(|k| k.id.as_str()));
    let hints: usize = katas.iter().map(|k| hints_seen(k, state)).sum();
    let _ = writeln!(
        out,
        "\n{BOLD}{passed}/{} passed{BOLD:#} · {hints} hints used",
        katas.len() + repo.problems.len()
    );
    let in_progress: Vec<&str> = katas
        .iter()
        .filter(|k| state.kata(&k.id).status == Some(KataStatus::InProgress))
        .map(|k| k.id.as_str())
        .collect();
    if !in_progress.is_empty() {
        let _ = writeln!(out, "In progress: {}", in_progress.join(", "));
    }
    let _ = writeln!(
        out,
        "{DIM}Statuses are from your last run of the grader; `cargo run -p grader` grades them all again, `cargo run -p grader -- next` says where to go.{DIM:#}"
    );
    out
}

fn row<'k>(kata: &'k Kata, state: &State) -> Row<'k> {
    let progress = state.kata(&kata.id);
    let mut notes = Vec::new();
    let tests = table::tests_note(progress.status, progress.passed_tests, progress.total_tests);
    if !tests.is_empty() {
        notes.push(tests);
    }
    if progress.hints_shown > 0 {
        notes.push(format!(
            "{}/{} hints",
            hints_seen(kata, state),
            kata.meta.hints.len()
        ));
    }
    Row {
        id: &kata.id,
        title: &kata.meta.title,
        chapter: kata.meta.chapter,
        status: progress.status.into(),
        note: notes.join(", "),
        focused: false,
    }
}

fn hints_seen(kata: &Kata, state: &State) -> usize {
    state.kata(&kata.id).hints_shown.min(kata.meta.hints.len())
}

/// `list --format json`: the same, for tools.
pub fn json(repo: &Repo, state: &State) -> String {
    let katas: Vec<_> = repo
        .katas
        .iter()
        .map(|kata| {
            let progress = state.kata(&kata.id);
            json!({
                "id": kata.id,
                "number": kata.number,
                "title": kata.meta.title,
                "chapter": kata.meta.chapter,
                "status": progress.status,
                "passed_tests": progress.passed_tests,
                "total_tests": progress.total_tests,
                "hints_seen": hints_seen(kata, state),
                "hints": kata.meta.hints.len(),
            })
        })
        .collect();
    let problems: Vec<_> = repo
        .problems
        .iter()
        .map(|p| json!({ "id": p.id, "number": p.number, "cannot_be_graded": p.message }))
        .collect();
    let passed = state.passed_among(repo.katas.iter().map(|k| k.id.as_str()));
    json!({
        "katas": katas,
        "problems": problems,
        "passed": passed,
        "total": repo.katas.len() + repo.problems.len(),
    })
    .to_string()
}
