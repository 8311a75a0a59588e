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

use crate::course::assignments::Assignment;
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

/// Whether the kata `id` counts: every kata does, unless an assignment
/// says which (`assignments.toml`).
pub fn required(assignment: Option<&Assignment>, id: &str) -> bool {
    assignment.is_none_or(|a| a.requires(id))
}

/// How many of the katas a run requires passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub passed: usize,
    pub required: usize,
}

impl Standing {
    /// `3 of 4 required katas passed`, as every report says it.
    pub fn sentence(&self) -> String {
        format!("{} of {} required katas passed", self.passed, self.required)
    }
}

/// The run's standing against `assignment` (every kata without one). When
/// no katas were `named`, every kata of the assignment is required, graded
/// or not: one missing from `results` counts as not passed, never as not
/// asked for.
pub fn standing(results: &[KataResult], assignment: Option<&Assignment>, named: bool) -> Standing {
    let required: Vec<&KataResult> = results
        .iter()
        .filter(|r| required(assignment, &r.id))
        .collect();
    Standing {
        passed: required
            .iter()
            .filter(|r| r.status == KataStatus::Passed)
            .count(),
        required: match assignment {
            Some(a) if !named => a.katas.len(),
            _ => required.len(),
        },
    }
}

/// Exit status of a grading run: 0 when every required kata passed (every
/// graded kata, without an assignment).
///
/// A kata that is `tampered` or `suspicious` fails the run even outside the
/// assignment: its code ran in the same grading as the required katas'
/// (its own tests could write their files), so the run cannot vouch for
/// them either.
pub fn exit_code(results: &[KataResult], assignment: Option<&Assignment>, named: bool) -> i32 {
    let standing = standing(results, assignment, named);
    let cheated = results
        .iter()
        .any(|r| matches!(r.status, KataStatus::Tampered | KataStatus::Suspicious));
    if !results.is_empty() && standing.passed == standing.required && !cheated {
        0
    } else {
        1
    }
}
