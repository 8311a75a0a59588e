//! `--format json`: the machine-readable report, documented in docs/ci.md.
//!
//! The fields named in docs/ci.md (`version`, `katas[].id/title/status/
//! tests[].name/status/message/diagnostics/points/max_points`,
//! `summary.passed/total/points/max_points`) are a contract: add fields
//! freely, never rename or remove these.

use serde::Serialize;

use super::points::{self, Points};
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    katas: Vec<KataJson<'a>>,
    summary: Summary,
}

/// A kata's result with what it is worth.
#[derive(Serialize)]
struct KataJson<'a> {
    #[serde(flatten)]
    result: &'a KataResult,
    #[serde(flatten)]
    points: Points,
}

#[derive(Serialize)]
struct Summary {
    passed: usize,
    total: usize,
    #[serde(flatten)]
    points: Points,
}

pub fn render(katas: &[&Kata], results: &[KataResult]) -> String {
    let report = Report {
        version: 1,
        katas: results
            .iter()
            .map(|result| KataJson {
                result,
                points: points::of(katas, result),
            })
            .collect(),
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
