//! `--format json`: the machine-readable report, documented in the README.
//!
//! The fields named in the README (`version`, `katas[].id/title/status/
//! tests[].name/status/message/diagnostics`, `summary.passed/total`) are a
//! contract: add fields freely, never rename or remove these.

use serde::Serialize;

use crate::pipeline::{KataResult, KataStatus};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    katas: &'a [KataResult],
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    passed: usize,
    total: usize,
}

pub fn render(results: &[KataResult]) -> String {
    let report = Report {
        version: 1,
        katas: results,
        summary: Summary {
            passed: results
                .iter()
                .filter(|r| r.status == KataStatus::Passed)
                .count(),
            total: results.len(),
        },
    };
    serde_json::to_string_pretty(&report).expect("the report is plain data")
}
