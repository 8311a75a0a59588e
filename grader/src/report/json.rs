//! `--format json`: the machine-readable report, documented in docs/ci.md.
//!
//! The fields named in docs/ci.md (`version`, `katas[].id/title/status/
//! tests[].name/status/message/diagnostics/points/max_points/required`,
//! `summary.passed/total/points/max_points`, `assignment`) are a contract:
//! add fields freely, never rename or remove these.

use serde::Serialize;

use super::points::{self, Points};
use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    katas: Vec<KataJson<'a>>,
    summary: Summary,
    /// The assignment graded; absent when every kata is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    assignment: Option<AssignmentJson<'a>>,
}

/// The assignment, and how the run stands against it.
#[derive(Serialize)]
struct AssignmentJson<'a> {
    name: &'a str,
    due: Option<&'a str>,
    katas: &'a [String],
    /// What the assignment is worth.
    points: u32,
    /// What this run earned toward it (Classroom's score).
    earned: u32,
    /// Required katas passed, out of `required`.
    passed: usize,
    required: usize,
}

/// A kata's result with what it is worth.
#[derive(Serialize)]
struct KataJson<'a> {
    #[serde(flatten)]
    result: &'a KataResult,
    #[serde(flatten)]
    points: Points,
    /// Whether the assignment requires it (always, without one).
    required: bool,
}

#[derive(Serialize)]
struct Summary {
    passed: usize,
    total: usize,
    #[serde(flatten)]
    points: Points,
}

pub fn render(
    katas: &[&Kata],
    results: &[KataResult],
    set: Option<&Assignment>,
    named: bool,
) -> String {
    let assignment = set.map(|a| {
        let standing = super::standing(results, Some(a), named);
        AssignmentJson {
            name: &a.name,
            due: a.due.as_deref(),
            katas: &a.katas,
            points: a.points,
            earned: points::toward_total(katas, results, a).points,
            passed: standing.passed,
            required: standing.required,
        }
    });
    let report = Report {
        version: 1,
        katas: results
            .iter()
            .map(|result| KataJson {
                result,
                points: points::of(katas, result),
                required: super::required(set, &result.id),
            })
            .collect(),
        assignment,
        summary: Summary {
            passed: results
                .iter()
                .filter(|r| r.status == KataStatus::Passed)
                .count(),
            total: results.len(),
            points: points::total(katas, results),
        },
    };
    serde_json::to_string_pretty(&report).expect("the report is plain data")
}
