//! Step 6: reporting. One module per output format, all reading the same
//! [`KataResult`]s, so a verdict never depends on how it is shown.

pub mod classroom;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod points;
pub mod publish;
pub mod table;

use crate::verdict::{KataResult, KataStatus};

/// The formats a grading run can report in (`--format`, `--report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// JUnit XML: one test case per kata test.
    Junit,
    /// GitHub Classroom's autograding results, with points per kata.
    Classroom,
}

/// How many of `results` passed.
pub fn passed(results: &[KataResult]) -> usize {
    results
        .iter()
        .filter(|r| r.status == KataStatus::Passed)
        .count()
}

/// Exit status of a grading run: 0 when every graded kata passed.
pub fn exit_code(results: &[KataResult]) -> i32 {
    if !results.is_empty() && results.iter().all(|r| r.status == KataStatus::Passed) {
        0
    } else {
        1
    }
}
