//! The verdicts: what grading says about a kata and each of its tests.
//!
//! This is the data every part of the grader shares: the pipeline produces
//! it, the checks amend it (an edited grading file, a tampered one), the
//! learner's progress remembers it and every report shows it. It lives in
//! none of them so that none depends on another to read a result, and the
//! words for each status are written here once, for every report.

use serde::{Deserialize, Serialize};

use crate::course::kata_file::{KataFile, KataKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KataStatus {
    Passed,
    Failed,
    /// The learner's own code only: the file is still the course's stub.
    NotStarted,
    /// The learner's own code only: changed from the stub, not passed yet.
    InProgress,
    CompileError,
    TimedOut,
    /// `--trusted-ref`: the kata's grading files differ from the trusted ref.
    Tampered,
    /// `--trusted-ref`: the kata's code does what no solution needs (it
    /// ends the process, reads /proc, includes other files…): not passed,
    /// listed for the instructor.
    Suspicious,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    Failed,
    TimedOut,
    Crashed,
    NotRun,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// `target::test_name`, e.g. `grading::times_out_at_exactly_the_limit`.
    pub name: String,
    pub status: TestStatus,
    /// What went wrong, for a learner; empty when it passed.
    pub message: String,
    /// The test's own output when it did not pass (capped), for the curious.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
    pub duration_ms: u64,
    /// The same, in microseconds: tests that passed together in one
    /// process get an even share of it, often under a millisecond each.
    pub duration_us: u64,
    /// The failure was the stub's `todo!()`.
    #[serde(skip)]
    pub todo: bool,
    /// What the test saw happen in virtual time, next to what it expected,
    /// when it failed with a timeline to show (kata-support's timeline.rs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
}

/// A failing test's timeline: bars in virtual milliseconds from its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// What was measured: `both(a 317ms future, a 503ms future)`.
    pub title: String,
    /// What the test expected (may be empty: then only what happened).
    pub expected: Vec<Bar>,
    /// What happened.
    pub observed: Vec<Bar>,
    /// Bars the test left out, past the ones it kept.
    #[serde(default)]
    pub more_expected: usize,
    #[serde(default)]
    pub more_observed: usize,
}

/// One piece of work on a timeline. No end: still running when the test
/// gave up. Ending where it starts: an event, drawn as a tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub start_ms: u64,
    pub end_ms: Option<u64>,
}

impl Timeline {
    /// The last instant anything on it reached, open bars included.
    pub fn end_ms(&self) -> u64 {
        self.expected
            .iter()
            .chain(&self.observed)
            .map(|bar| bar.end_ms.unwrap_or(bar.start_ms).max(bar.start_ms))
            .max()
            .unwrap_or(0)
    }

    /// When the last bar of `bars` ended (`None` if one never did).
    pub fn done_at(bars: &[Bar]) -> Option<u64> {
        bars.iter()
            .map(|bar| bar.end_ms)
            .try_fold(0, |latest, end| end.map(|end| latest.max(end)))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KataResult {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub chapter: u32,
    /// `todo` (write it) or `fix` (repair it).
    pub kind: KataKind,
    /// One line: what the kata teaches.
    pub summary: String,
    pub status: KataStatus,
    pub tests: Vec<TestResult>,
    /// rustc's rendered compile errors, when the kata does not compile.
    pub diagnostics: Vec<String>,
    /// `tampered`: the grading files that differ from the trusted ref.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tampered_files: Vec<String>,
    /// `suspicious`: each line of the kata's code that no solution needs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspicious: Vec<String>,
    /// The learner's own code only: grading files that differ from git's
    /// `HEAD` (integrity.rs). While there are any, the kata is not passed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edited_files: Vec<EditedFile>,
}

impl KataResult {
    /// A kata that could not be graded at all (its `kata.toml` is malformed, it
    /// has no tests, the solution to grade is missing): `failed`, no tests, and
    /// `why` as its one diagnostic, so every report format shows the reason.
    pub fn ungradable(id: &str, number: u32, meta: Option<&KataFile>, why: String) -> KataResult {
        KataResult {
            id: id.to_string(),
            number,
            title: meta.map_or_else(|| id.to_string(), |m| m.title.clone()),
            chapter: meta.map_or(0, |m| m.chapter),
            kind: meta.map_or(KataKind::Todo, |m| m.kind),
            summary: meta.map(|m| m.summary.clone()).unwrap_or_default(),
            status: KataStatus::Failed,
            tests: Vec::new(),
            diagnostics: vec![why],
            tampered_files: Vec::new(),
            suspicious: Vec::new(),
            edited_files: Vec::new(),
        }
    }

    pub fn passed_tests(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.status == TestStatus::Passed)
            .count()
    }
}

impl KataStatus {
    /// The status as JSON spells it: `not_started`, `compile_error`.
    pub fn code(self) -> &'static str {
        match self {
            KataStatus::Passed => "passed",
            KataStatus::Failed => "failed",
            KataStatus::NotStarted => "not_started",
            KataStatus::InProgress => "in_progress",
            KataStatus::CompileError => "compile_error",
            KataStatus::TimedOut => "timed_out",
            KataStatus::Tampered => "tampered",
            KataStatus::Suspicious => "suspicious",
        }
    }

    /// The status in plain words: `not started`, `compile error`.
    pub fn word(self) -> &'static str {
        match self {
            KataStatus::Passed => "passed",
            KataStatus::Failed => "failed",
            KataStatus::NotStarted => "not started",
            KataStatus::InProgress => "in progress",
            KataStatus::CompileError => "compile error",
            KataStatus::TimedOut => "timed out",
            KataStatus::Tampered => "tampered",
            KataStatus::Suspicious => "suspicious",
        }
    }

    /// The status with its terminal mark: `✓ passed`, `⧗ timed out`.
    pub fn label(self) -> &'static str {
        match self {
            KataStatus::Passed => "✓ passed",
            KataStatus::Failed => "✗ failed",
            KataStatus::NotStarted => "· not started",
            KataStatus::InProgress => "◐ in progress",
            KataStatus::CompileError => "✗ compile error",
            KataStatus::TimedOut => "⧗ timed out",
            KataStatus::Tampered => "✗ tampered",
            KataStatus::Suspicious => "✗ suspicious",
        }
    }

    /// The status with an emoji, for Markdown: `✅ passed`.
    pub fn badge(self) -> &'static str {
        match self {
            KataStatus::Passed => "✅ passed",
            KataStatus::Failed => "❌ failed",
            KataStatus::NotStarted => "⚪ not started",
            KataStatus::InProgress => "🟡 in progress",
            KataStatus::CompileError => "❌ compile error",
            KataStatus::TimedOut => "⏳ timed out",
            KataStatus::Tampered => "🚫 tampered",
            KataStatus::Suspicious => "🚩 suspicious",
        }
    }
}

impl TestStatus {
    /// The status in plain words: `timed out`, `not run`.
    pub fn word(self) -> &'static str {
        match self {
            TestStatus::Passed => "passed",
            TestStatus::Failed => "failed",
            TestStatus::TimedOut => "timed out",
            TestStatus::Crashed => "crashed",
            TestStatus::NotRun => "not run",
        }
    }

    /// The status as JSON spells it: `timed_out`, `not_run`.
    pub fn code(self) -> &'static str {
        match self {
            TestStatus::Passed => "passed",
            TestStatus::Failed => "failed",
            TestStatus::TimedOut => "timed_out",
            TestStatus::Crashed => "crashed",
            TestStatus::NotRun => "not_run",
        }
    }

    /// The status's terminal mark: `✓`, `☠`.
    pub fn mark(self) -> &'static str {
        match self {
            TestStatus::Passed => "✓",
            TestStatus::Failed => "✗",
            TestStatus::TimedOut => "⧗",
            TestStatus::Crashed => "☠",
            TestStatus::NotRun => "-",
        }
    }
}

/// A kata outside the assignment being graded (`assignments.toml`): graded
/// and reported with its own status, but it decides neither the exit status
/// nor the assignment's points, and no CI check fails on it.
pub const NOT_REQUIRED: &str = "not required";

/// Why a kata is not required, for the reports that say so in a sentence:
/// `not required: outside the assignment week-1`.
pub fn not_required_because(assignment: &str) -> String {
    format!("{NOT_REQUIRED}: outside the assignment {assignment}")
}

/// A grading file that differs from `HEAD`, and the command that restores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditedFile {
    /// Relative to the repository root: `katas/07-timeout/tests/grading.rs`.
    pub path: String,
    /// `git checkout HEAD -- PATH`, or `rm PATH` for a file git does not have.
    pub restore: String,
}

/// Results made by hand, for the tests of everything that reads them.
#[cfg(test)]
pub mod tests {
    use super::*;

    /// A result with these tests, each `(name, status)`; a name ending in
    /// `!todo` is a failure that was the stub's `todo!()`.
    pub fn result(status: KataStatus, tests: &[(&str, TestStatus)]) -> KataResult {
        KataResult {
            id: "07-timeout".into(),
            number: 7,
            title: "Implement a timeout".into(),
            chapter: 2,
            kind: KataKind::Todo,
            summary: String::new(),
            status,
            tests: tests
                .iter()
                .map(|(name, status)| TestResult {
                    name: name.trim_end_matches("!todo").to_string(),
                    status: *status,
                    message: match status {
                        TestStatus::Passed => String::new(),
                        _ => format!("{name} went wrong"),
                    },
                    output: String::new(),
                    duration_ms: 0,
                    duration_us: 0,
                    todo: name.ends_with("!todo"),
                    timeline: None,
                })
                .collect(),
            diagnostics: Vec::new(),
            tampered_files: Vec::new(),
            suspicious: Vec::new(),
            edited_files: Vec::new(),
        }
    }
}
