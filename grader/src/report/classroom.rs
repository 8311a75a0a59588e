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

use serde::Serialize;

use super::points;
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus};

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

pub fn render(katas: &[&Kata], results: &[KataResult]) -> String {
    let tests: Vec<Entry> = results
        .iter()
        .map(|result| {
            let worth = points::of(katas, result);
            let passed = result.status == KataStatus::Passed;
            Entry {
                name: format!("{} · {}", result.id, result.title),
                status: if passed { "pass" } else { "fail" },
                score: worth.points,
                max_score: worth.max_points,
                message: message(result),
                test_code: format!("cargo run -p grader -- {:02}", result.number),
                filename: format!("katas/{}/src/lib.rs", result.id),
                line_no: 0,
                duration: result.tests.iter().map(|t| t.duration_ms).sum(),
            }
        })
        .collect();
    let all_passed = !results.is_empty() && tests.iter().all(|t| t.status == "pass");
    let report = Results {
        version: 1,
        status: if all_passed { "pass" } else { "fail" },
        max_score: tests.iter().map(|t| t.max_score).sum(),
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
            )
        }
        KataStatus::Suspicious => {
            return format!(
                "suspicious: the code does what no solution needs; no points ({})",
                result.suspicious.first().map_or("", String::as_str)
            )
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
