//! Step 6: reporting. One module per output format, all reading the same
//! [`KataResult`]s, so a verdict never depends on how it is shown.

pub mod classroom;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod points;
pub mod publish;
pub mod table;
pub mod timeline;

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
    /// One self-contained web page, the failing tests' timelines drawn to scale.
    Html,
}

/// Why a tampered kata is not passed, before the list of its files.
pub const TAMPERED_EXPLAINED: &str = "These grading files differ from the trusted ref; the tests \
     ran on the ref's copies, and the kata is not passed:";

/// Why a suspicious kata is not passed, before the list of its lines.
pub const SUSPICIOUS_EXPLAINED: &str = "This code does what no solution needs (the tests run in \
     its process, so it could fake a pass); the kata is not passed:";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::tests::result;

    fn kata(id: &str, status: KataStatus) -> KataResult {
        KataResult {
            id: id.into(),
            ..result(status, &[])
        }
    }

    /// week-1 requires 01 and 25.
    fn week_1() -> Assignment {
        let course: Vec<(String, u32)> = ["01-lazy-futures", "07-timeout", "25-no-thread-sleep"]
            .iter()
            .map(|id| (id.to_string(), 10))
            .collect();
        let text = "[assignment.week-1]\nkatas = [\"01-lazy-futures\", \"25-no-thread-sleep\"]\n";
        crate::course::assignments::parse(text, "assignments.toml", &course)
            .unwrap()
            .sets["week-1"]
            .clone()
    }

    #[test]
    fn only_required_katas_decide_the_exit_status() {
        let week = week_1();
        let mut run = vec![
            kata("01-lazy-futures", KataStatus::Passed),
            kata("07-timeout", KataStatus::NotStarted),
            kata("25-no-thread-sleep", KataStatus::Passed),
        ];
        assert_eq!(exit_code(&run, Some(&week), false), 0);
        assert_eq!(
            exit_code(&run, None, false),
            1,
            "without it, 07 is required"
        );
        assert_eq!(
            standing(&run, Some(&week), false).sentence(),
            "2 of 2 required katas passed"
        );
        run[2].status = KataStatus::Failed;
        assert_eq!(exit_code(&run, Some(&week), false), 1);
    }

    #[test]
    fn a_required_kata_missing_from_a_full_run_is_not_passed() {
        let week = week_1();
        let run = vec![kata("01-lazy-futures", KataStatus::Passed)];
        assert_eq!(standing(&run, Some(&week), false).required, 2);
        assert_eq!(exit_code(&run, Some(&week), false), 1);
        // Named on the command line: only what was asked for was graded.
        assert_eq!(exit_code(&run, Some(&week), true), 0);
    }

    #[test]
    fn tampered_or_suspicious_code_fails_the_run_even_outside_the_assignment() {
        let week = week_1();
        for status in [KataStatus::Tampered, KataStatus::Suspicious] {
            let run = vec![
                kata("01-lazy-futures", KataStatus::Passed),
                kata("07-timeout", status),
                kata("25-no-thread-sleep", KataStatus::Passed),
            ];
            assert_eq!(exit_code(&run, Some(&week), false), 1, "{status:?}");
        }
    }
}
