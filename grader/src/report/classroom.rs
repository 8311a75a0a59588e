//! `--format classroom`: points per kata, for GitHub Classroom.
//!
//! Classroom's reporter action (`classroom-resources/autograding-grading-reporter`)
//! takes a comma-separated `runners` input and, for each runner id, reads the
//! environment variable `<ID>_RESULTS` (the id upper-cased) as base64 of a
//! JSON document like the one printed here. It uses `status` (`fail` or
//! `error` fails the step), adds up `max_score` over the runners and
//! `tests[].score` over every test, and posts `Points <total>/<max>` as a
//! notice annotation, which is what Classroom records as the grade. It shows
//! `tests[].name`, `status` and `message` in its log; other fields are
//! ignored. The workflow base64-encodes this output into a step output.
//!
//! Classroom itself only gives all or nothing per test command; here every
//! kata is one entry worth its `points` (`kata.toml`, default 10), earned as
//! [`points`](super::points) rules for every report: in proportion to the
//! learner's tests that pass (not those the starter code already passed),
//! rounded down, full points only when the kata passed, nothing when it is
//! tampered or does not compile.
//!
//! With an assignment, the grade is the assignment's: `max_score` is its
//! points, each required kata is worth its share of them
//! ([`points::toward`]), and a kata outside it is listed worth 0 of 0, its
//! message saying it is not required. `status` is `pass` exactly when the
//! grader exits 0 (`report::exit_code`).

use serde::Serialize;

use super::points::{self, Points};
use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus, not_required_because};

#[derive(Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    max_score: u32,
    tests: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    name: String,
    status: &'static str,
    score: u32,
    max_score: u32,
    message: String,
    test_code: String,
    filename: String,
    line_no: u32,
    duration: u64,
}

pub fn render(
    katas: &[&Kata],
    results: &[KataResult],
    assignment: Option<&Assignment>,
    named: bool,
) -> String {
    let tests: Vec<Entry> = results
        .iter()
        .map(|result| {
            let nothing = Points {
                points: 0,
                max_points: 0,
            };
            let (worth, message) = match assignment {
                None => (points::of(katas, result), message(result)),
                Some(a) => match points::toward(katas, result, a) {
                    Some(worth) => (worth, message(result)),
                    None => (
                        nothing,
                        format!("{}. {}", not_required_because(&a.name), message(result)),
                    ),
                },
            };
            let passed = result.status == KataStatus::Passed;
            Entry {
                name: format!("{} · {}", result.id, result.title),
                status: if passed { "pass" } else { "fail" },
                score: worth.points,
                max_score: worth.max_points,
                message,
                test_code: format!("cargo run -p grader -- {:02}", result.number),
                filename: format!("katas/{}/src/lib.rs", result.id),
                line_no: 0,
                duration: result.tests.iter().map(|t| t.duration_ms).sum(),
            }
        })
        .collect();
    let report = Results {
        version: 1,
        status: match super::exit_code(results, assignment, named) {
            0 => "pass",
            _ => "fail",
        },
        // The assignment's points even when some of its katas were not
        // graded (named on the command line): they earned nothing.
        max_score: match assignment {
            Some(a) => a.points,
            None => tests.iter().map(|t| t.max_score).sum(),
        },
        tests,
    };
    serde_json::to_string(&report).expect("the report is plain data")
}

/// One paragraph for Classroom's log: the verdict and the first failure.
fn message(result: &KataResult) -> String {
    let passed = result.passed_tests();
    let total = result.tests.len();
    let verdict = match result.status {
        KataStatus::Passed => return format!("passed: {passed}/{total} tests"),
        KataStatus::Tampered => {
            return format!(
                "tampered: grading files differ from the trusted ref ({}); no points",
                result.tampered_files.join(", ")
            );
        }
        KataStatus::Suspicious => {
            return format!(
                "suspicious: the code does what no solution needs; no points ({})",
                result.suspicious.first().map_or("", String::as_str)
            );
        }
        KataStatus::CompileError => {
            let first = result
                .diagnostics
                .first()
                .and_then(|d| d.lines().next())
                .unwrap_or("");
            return format!("does not compile: {first}");
        }
        KataStatus::NotStarted
        | KataStatus::InProgress
        | KataStatus::TimedOut
        | KataStatus::Failed => result.status.word(),
    };
    let first = result
        .tests
        .iter()
        .find(|t| t.status != crate::verdict::TestStatus::Passed)
        .map(|t| format!(" First failure, {}: {}", t.name, t.message))
        .unwrap_or_default();
    format!("{verdict}: {passed}/{total} tests pass.{first}")
}
