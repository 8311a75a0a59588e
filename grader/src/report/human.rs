//! The report a learner reads: a table of every kata, then a close look at
//! the one to work on next: which tests fail, why, and what to do.

use std::fmt::Write as _;

use anstyle::Style;

use super::table::{self, Cell, Row, status_label};
use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::course::kata_file::KataKind;
use crate::ui::{BOLD, DIM, GREEN, RED, YELLOW};
use crate::verdict::{KataResult, KataStatus, NOT_REQUIRED, TestStatus, not_required_because};

fn test_label(status: TestStatus) -> (&'static str, Style) {
    let style = match status {
        TestStatus::Passed => GREEN,
        TestStatus::NotRun => DIM,
        TestStatus::TimedOut => YELLOW,
        TestStatus::Failed | TestStatus::Crashed => RED,
    };
    (status.mark(), style)
}

/// Who the report speaks to, and where it can send them next.
#[derive(Debug, Default, Clone)]
pub struct Guide {
    /// The learner's own code is graded (not the reference solutions, not a
    /// pull request against a trusted ref).
    pub learner: bool,
    /// Inside `watch`: saving grades again and `h` gives a hint.
    pub watching: bool,
    /// Hints the learner has seen, by kata.
    pub hints_seen: std::collections::BTreeMap<String, usize>,
    /// The kata to go to after the one shown passes: (id, title).
    pub next: Option<(String, String)>,
    /// `--trusted-ref REF`: the ref tampered grading files come back from.
    pub trusted_ref: Option<String>,
}

/// Renders the whole report. `named` katas are shown in full; otherwise
/// the first kata not passed is (the first required one, with an
/// assignment: katas outside it are in the table, marked not required).
pub fn render(
    katas: &[&Kata],
    results: &[KataResult],
    named: bool,
    title: &str,
    guide: &Guide,
    assignment: Option<&Assignment>,
) -> String {
    let mut out = String::new();
    let passed = super::passed(results);
    let standing = super::standing(results, assignment, named);
    let _ = writeln!(out, "{BOLD}{title}{BOLD:#}");
    if let Some(a) = assignment {
        let _ = writeln!(
            out,
            "{BOLD}Assignment {}{BOLD:#}: {} katas required; the others are graded too, marked {NOT_REQUIRED}.",
            a.describe(),
            a.katas.len()
        );
    }
    out.push('\n');
    let rows: Vec<Row<'_>> = results
        .iter()
        .map(|result| {
            let (status, mut note) = match ungradable(result) {
                true => (
                    Cell::CannotBeGraded,
                    table::one_line(&result.diagnostics[0]),
                ),
                false => (
                    Cell::Graded(result.status),
                    table::tests_note(
                        Some(result.status),
                        result.passed_tests(),
                        result.tests.len(),
                    ),
                ),
            };
            if !result.edited_files.is_empty() {
                note.push_str(" · grading files edited");
            }
            if !super::required(assignment, &result.id) {
                note = match note.is_empty() {
                    true => NOT_REQUIRED.to_string(),
                    false => format!("{note} · {NOT_REQUIRED}"),
                };
            }
            Row {
                id: &result.id,
                title: &result.title,
                chapter: result.chapter,
                status,
                note,
                focused: false,
            }
        })
        .collect();
    out.push_str(&table::render(&rows));
    let _ = write!(out, "\n{BOLD}{passed}/{} passed{BOLD:#}", results.len());
    match assignment {
        Some(a) => {
            let style = match standing.passed == standing.required {
                true => GREEN,
                false => RED,
            };
            let _ = writeln!(
                out,
                " · {style}{}: {}{style:#}",
                a.name,
                standing.sentence()
            );
        }
        None => out.push('\n'),
    }

    let focus: Vec<&KataResult> = if named {
        results.iter().collect()
    } else {
        results
            .iter()
            .find(|r| r.status != KataStatus::Passed && super::required(assignment, &r.id))
            .into_iter()
            .collect()
    };
    for result in focus {
        out.push('\n');
        match katas.iter().find(|k| k.id == result.id) {
            Some(kata) => out.push_str(&detail(kata, result, guide)),
            // A kata folder discovery could not load (see discover::Problem).
            None => out.push_str(&ungradable_detail(result)),
        }
        if let Some(a) = assignment.filter(|a| !a.requires(&result.id)) {
            let _ = writeln!(
                out,
                "  {DIM}{}.{DIM:#}",
                capitalised(&not_required_because(&a.name))
            );
        }
    }
    let all_required = standing.passed == standing.required && !results.is_empty();
    if all_required && !named {
        let _ = match (assignment, guide.learner) {
            (Some(a), true) => writeln!(
                out,
                "\n{GREEN}Every kata of {} passes. Well done!{GREEN:#}",
                a.name
            ),
            (Some(a), false) => writeln!(out, "\n{GREEN}Every kata of {} passes.{GREEN:#}", a.name),
            (None, true) => writeln!(out, "\n{GREEN}Every kata passes. Well done!{GREEN:#}"),
            (None, false) => writeln!(out, "\n{GREEN}Every kata graded passes.{GREEN:#}"),
        };
    }
    out
}

/// `Not required: …`.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A kata that could not be graded at all: no tests ran, and its one
/// diagnostic says why.
fn ungradable(result: &KataResult) -> bool {
    result.status == KataStatus::Failed && result.tests.is_empty() && !result.diagnostics.is_empty()
}

fn ungradable_detail(result: &KataResult) -> String {
    let (label, style) = status_label(result.status);
    let mut out = format!(
        "{BOLD}── {} · {}{BOLD:#}  {style}{label}{style:#}\n\n  This kata cannot be graded:\n",
        result.id, result.title
    );
    for line in result.diagnostics.iter().flat_map(|d| d.lines()) {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// Grading files the learner changed (integrity.rs), and how to restore them.
fn edited_block(result: &KataResult) -> String {
    let mut out = format!(
        "  {RED}Grading files edited:{RED:#} the tests decide what passes, so this kata cannot \
         pass while\n  these differ from the course's own (git HEAD). Restore them:\n"
    );
    for file in &result.edited_files {
        let _ = writeln!(out, "    {}", file.restore);
    }
    out
}

/// One kata in full: its tests, their messages, and what to do next.
pub fn detail(kata: &Kata, result: &KataResult, guide: &Guide) -> String {
    if ungradable(result) {
        return ungradable_detail(result);
    }
    let mut out = String::new();
    let (label, style) = status_label(result.status);
    let _ = writeln!(
        out,
        "{BOLD}── {} · {}{BOLD:#}  {style}{label}{style:#}",
        result.id, result.title
    );
    if result.status == KataStatus::CompileError {
        let _ = match broken_test_file(result) {
            Some(file) => writeln!(
                out,
                "\n  A test file of this kata does not compile: {file}. The tests are the course's,\n  \
                 not yours to change; put them back with `git checkout HEAD -- katas/{}/tests`.\n  \
                 The compiler says:\n",
                kata.id
            ),
            None => writeln!(
                out,
                "\n  Your code does not compile yet. The compiler says:\n"
            ),
        };
        for diagnostic in result.diagnostics.iter().take(3) {
            for line in diagnostic.lines() {
                let _ = writeln!(out, "    {line}");
            }
            out.push('\n');
        }
        if result.diagnostics.len() > 3 {
            let _ = writeln!(
                out,
                "    … and {} more errors (fix the first one first)\n",
                result.diagnostics.len() - 3
            );
        }
    }
    out.push('\n');
    for (i, test) in result.tests.iter().enumerate() {
        let (mark, style) = test_label(test.status);
        let _ = writeln!(out, "  {style}{mark}{style:#} {}", test.name);
        // Tests that fail the same way (every test of a stub reaching the
        // same todo!()) share one message, printed under the last of them.
        let same_as_next = result
            .tests
            .get(i + 1)
            .is_some_and(|next| next.status == test.status && next.message == test.message);
        if test.status != TestStatus::Passed && !same_as_next {
            for line in test.message.lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
        if let Some(timeline) = test.timeline.as_ref().filter(|_| !same_as_next) {
            out.push('\n');
            out.push_str(&super::timeline::draw(
                timeline,
                super::timeline::terminal_width(),
                "      ",
            ));
        }
    }
    out.push('\n');
    if !result.edited_files.is_empty() {
        out.push_str(&edited_block(result));
        // Every test passed: the edits are all that stands in the way.
        if result.passed_tests() == result.tests.len() {
            return out;
        }
        out.push('\n');
    }
    out.push_str(&what_next(kata, result, guide));
    out
}

/// The last lines of a kata's detail: what to do now.
fn what_next(kata: &Kata, result: &KataResult, guide: &Guide) -> String {
    let number = format!("{:02}", kata.number);
    let lib = relative(kata, "src/lib.rs");
    let mut out = String::new();
    let _ = match result.status {
        KataStatus::Passed => match (&guide.next, guide.learner) {
            (Some((id, title)), true) => writeln!(
                out,
                "  {GREEN}All tests pass.{GREEN:#} Next: {id} · {title} (`cargo run -p grader -- next` says what it teaches).\n  \
                 `cargo run -p grader -- solution {number}` shows the reference solution beside yours."
            ),
            _ => writeln!(out, "  {GREEN}All tests pass.{GREEN:#}"),
        },
        KataStatus::Tampered => writeln!(
            out,
            "  {RED}Not passed: this kata's grading files differ from the trusted ref.{RED:#}\n  \
             The tests above ran on the ref's copies; yours were not used. Restore them:\n    \
             git checkout {} -- {}",
            guide.trusted_ref.as_deref().unwrap_or("<the base branch>"),
            result.tampered_files.join(" ")
        ),
        KataStatus::Suspicious => writeln!(
            out,
            "  {RED}Not passed: this code does what no solution needs.{RED:#} The tests run in your\n  \
             code's own process, so such code could fake a pass; an instructor will look at:\n    {}",
            result.suspicious.join("\n    ")
        ),
        KataStatus::NotStarted => {
            let task = match kata.meta.kind {
                KataKind::Todo => format!("replace the todo!()s in {lib}"),
                KataKind::Fix => format!("find what is wrong in {lib} and fix it"),
                KataKind::Tests => format!(
                    "write your tests in {lib}: they must pass on the course's implementation \
                     and catch each of its mutants"
                ),
            };
            let text = format!(
                "This kata is waiting for you. Read {} to learn the idea, then {task}.",
                relative(kata, "README.md")
            );
            writeln!(out, "{}", crate::ui::wrap(&text, 100, "  "))
        }
        _ if guide.watching => writeln!(
            out,
            "  {BOLD}Next:{BOLD:#} fix {lib}; saving it grades it again."
        ),
        _ => writeln!(
            out,
            "  {BOLD}Next:{BOLD:#} fix {lib}, then check it with `cargo run -p grader -- {number}`."
        ),
    };
    let hints = kata.meta.hints.len();
    let seen = guide.hints_seen.get(&kata.id).copied().unwrap_or(0);
    if guide.learner && result.status != KataStatus::Passed && hints > 0 {
        let ask = match guide.watching {
            true => "press h".to_string(),
            false => format!("`cargo run -p grader -- hint {number}`"),
        };
        let _ = match seen < hints {
            true => writeln!(
                out,
                "  {DIM}Stuck? {ask} for hint {} of {hints}.{DIM:#}",
                seen + 1
            ),
            false => writeln!(
                out,
                "  {DIM}You have seen all {hints} hints; the README explains the idea in full.{DIM:#}"
            ),
        };
    }
    out
}

/// The test file a compile error points at, when the error is in a test
/// file rather than the learner's code.
fn broken_test_file(result: &KataResult) -> Option<String> {
    result.diagnostics.iter().find_map(|diagnostic| {
        // rustc's first `--> FILE:LINE:COL` is where the error is.
        let at = diagnostic
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))?;
        let file = at.split(':').next()?;
        file.contains("tests/").then(|| file.to_string())
    })
}

fn relative(kata: &Kata, file: &str) -> String {
    format!("katas/{}/{file}", kata.id)
}
