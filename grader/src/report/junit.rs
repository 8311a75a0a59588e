//! `--format junit`: JUnit XML, the format every CI system can display.
//!
//! One `<testsuite>` per kata and one `<testcase>` per grading test, with
//! the learner-facing message as the failure's message and the test's own
//! output as its text. A kata whose code does not compile carries rustc's
//! errors in its suite's `system-err`; a tampered kata gets one more failing
//! case, `grading_files_unchanged`, and a suspicious one
//! `code_does_only_what_a_solution_needs`, so no JUnit viewer shows it green.
//! Each suite carries the kata's `points` and `max_points` as properties
//! (the same rule as every report: see `points.rs`).
//!
//! With an assignment, a kata outside it must not fail CI's check: its
//! failing tests are `<skipped>`, with a message that says it is not
//! required and how the test went (property `required` = `false`). Its
//! tampered or suspicious case still fails: such code ran in the same
//! grading as the required katas (see `report::exit_code`).

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::points;
use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus, TestStatus, not_required_because};

pub fn render(katas: &[&Kata], results: &[KataResult], assignment: Option<&Assignment>) -> String {
    let mut report = Report::new("tokio-katas");
    for result in results {
        let mut suite = TestSuite::new(result.id.as_str());
        let worth = points::of(katas, result);
        suite.add_property(Property::new("points", worth.points.to_string()));
        suite.add_property(Property::new("max_points", worth.max_points.to_string()));
        let outside = assignment.filter(|a| !a.requires(&result.id));
        if outside.is_some() {
            suite.add_property(Property::new("required", "false"));
        }
        for test in &result.tests {
            let status = match (test.status, outside) {
                (TestStatus::Passed, _) => TestCaseStatus::success(),
                (other, Some(assignment)) => {
                    let mut status = TestCaseStatus::skipped();
                    status
                        .set_type(other.code())
                        .set_message(format!(
                            "{} ({}: {})",
                            not_required_because(&assignment.name),
                            other.word(),
                            first_line(&test.message)
                        ))
                        .set_description(failure_text(&test.message, &test.output));
                    status
                }
                (other, None) => {
                    let kind = match other {
                        TestStatus::Crashed => NonSuccessKind::Error,
                        _ => NonSuccessKind::Failure,
                    };
                    let mut status = TestCaseStatus::non_success(kind);
                    status
                        .set_type(other.code())
                        .set_message(first_line(&test.message))
                        .set_description(failure_text(&test.message, &test.output));
                    status
                }
            };
            let mut case = TestCase::new(test.name.as_str(), status);
            case.set_classname(result.id.as_str())
                .set_time(Duration::from_micros(test.duration_us));
            suite.add_test_case(case);
        }
        // A kata whose tests may all pass yet is not passed gets one more
        // failing case, so no JUnit viewer shows it green.
        let not_passed = match result.status {
            KataStatus::Tampered => Some((
                "tampered",
                "grading_files_unchanged",
                "grading files differ from the trusted ref; the kata is not passed",
                &result.tampered_files,
            )),
            KataStatus::Suspicious => Some((
                "suspicious",
                "code_does_only_what_a_solution_needs",
                "the code does what no solution needs; the kata is not passed",
                &result.suspicious,
            )),
            _ => None,
        };
        if let Some((kind, name, message, lines)) = not_passed {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_type(kind)
                .set_message(message)
                .set_description(lines.join("\n"));
            let mut case = TestCase::new(name, status);
            case.set_classname(result.id.as_str());
            suite.add_test_case(case);
        }
        if !result.diagnostics.is_empty() {
            suite.set_system_err(result.diagnostics.join("\n\n"));
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .expect("a report built from plain strings serializes")
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or("")
}

fn failure_text(message: &str, output: &str) -> String {
    if output.is_empty() {
        message.to_string()
    } else {
        format!("{message}\n\n--- test output ---\n{output}")
    }
}
