//! Step 5: turn raw process outcomes into verdicts a learner can act on.
//!
//! A raw outcome is an exit status, a libtest log line and some output. A
//! learner needs to know *what went wrong and what it usually means*: "the
//! thread was blocked", "this function is still a `todo!()`", "the snapshot
//! differs, here is the diff". This module is the only place that makes
//! those calls, so every report format says the same thing.

use super::build::Built;
use super::explain::{
    clean_stderr, crash_message, hollow_pass, panic_message, panics, strip_ansi, stuck_message,
    take_stuck, take_timeline,
};
use super::outcome::{RawTest, SubjectRun};
use super::process::Exit;
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus, TestResult, TestStatus};

pub fn grade(kata: &Kata, built: Built, run: SubjectRun) -> KataResult {
    let mut tests: Vec<TestResult> = run.tests.into_iter().map(judge).collect();
    for (target, why) in run.list_failures {
        tests.push(TestResult {
            name: target,
            status: TestStatus::Failed,
            message: why,
            output: String::new(),
            duration_ms: 0,
            duration_us: 0,
            todo: false,
            timeline: None,
        });
    }
    for target in &built.failed_targets {
        tests.push(TestResult {
            name: target.clone(),
            status: TestStatus::NotRun,
            message: format!("the test file tests/{target}.rs could not be built against your code: see the compile error"),
            output: String::new(),
            duration_ms: 0,
            duration_us: 0,
            todo: false,
            timeline: None,
        });
    }
    if kata.is_tests_kata() {
        super::tests_kata::fail_real_time_waits(kata, &mut tests);
    }
    tests.sort_by(|a, b| a.name.cmp(&b.name));
    let status = kata_status(&built, &tests);
    KataResult {
        id: kata.id.clone(),
        number: kata.number,
        title: kata.meta.title.clone(),
        chapter: kata.meta.chapter,
        kind: kata.meta.kind,
        summary: kata.meta.summary.clone(),
        status,
        tests,
        diagnostics: built.diagnostics,
        tampered_files: Vec::new(),
        suspicious: Vec::new(),
        edited_files: Vec::new(),
    }
}

fn kata_status(built: &Built, tests: &[TestResult]) -> KataStatus {
    if !built.failed_targets.is_empty() || !built.diagnostics.is_empty() {
        return KataStatus::CompileError;
    }
    if !tests.is_empty() && tests.iter().all(|t| t.status == TestStatus::Passed) {
        return KataStatus::Passed;
    }
    if tests.iter().any(|t| t.status == TestStatus::TimedOut) {
        return KataStatus::TimedOut;
    }
    let failures: Vec<&TestResult> = tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .collect();
    if !failures.is_empty() && failures.iter().all(|t| t.todo) {
        return KataStatus::NotStarted;
    }
    KataStatus::Failed
}

/// Decides one test's status and explains it.
fn judge(raw: RawTest) -> TestResult {
    let stdout = strip_ansi(&String::from_utf8_lossy(&raw.finished.stdout));
    let (timeline, stderr) = take_timeline(&strip_ansi(&clean_stderr(&String::from_utf8_lossy(
        &raw.finished.stderr,
    ))));
    let (stuck, stderr) = take_stuck(&stderr);
    let panics = panics(&stderr);
    let todo = !panics.is_empty()
        && panics
            .iter()
            .all(|p| p.message.starts_with("not yet implemented"));
    let (status, message) = match raw.finished.exit {
        Exit::TimedOut => (
            TestStatus::TimedOut,
            format!(
                "did not finish within {}s of real time, so it was stopped. Under tokio's paused \
                 clock, waiting costs no real time at all: running out of real time means the \
                 runtime's thread was blocked. Look for a std::sync::Mutex that deadlocks, a loop \
                 that never reaches an `.await`, or a blocking call (std::thread::sleep, a std \
                 channel's recv) inside async code.{}",
                raw.limit.as_secs(),
                stuck_message(&stuck).unwrap_or_default()
            ),
        ),
        Exit::Signal(signal) => (TestStatus::Crashed, crash_message(signal, &stderr)),
        Exit::Code(0) if raw.logged.as_deref() == Some("ok") => {
            if hollow_pass(&stdout) || hollow_pass(&stderr) {
                (
                    TestStatus::Failed,
                    "this compile check found no cases to compile (its file pattern matched \
                     nothing), so it checked nothing. The kata's tests/ folder is incomplete: \
                     restore it from git."
                        .to_string(),
                )
            } else {
                (TestStatus::Passed, String::new())
            }
        }
        Exit::Code(_) if raw.logged.as_deref() == Some("ignored") => (
            TestStatus::NotRun,
            "this test is marked #[ignore], so it did not run; every grading test must run. \
             Restore the kata's tests/ folder from git."
                .to_string(),
        ),
        Exit::Code(101) if !panics.is_empty() => {
            (TestStatus::Failed, panic_message(&panics, &stdout, &stderr))
        }
        Exit::Code(code) => (
            TestStatus::Failed,
            format!(
                "the test process exited (code {code}) before the test reported a result. \
                 Does the code call std::process::exit? A kata's functions must return \
                 their result, never end the process."
            ),
        ),
    };
    let output = if status == TestStatus::Passed {
        String::new()
    } else {
        let mut output = format!("{stdout}{stderr}");
        if raw.finished.truncated {
            output.push_str("\n[output truncated: the test printed more than the grader keeps]");
        }
        output
    };
    TestResult {
        name: format!("{}::{}", raw.target, raw.name),
        status,
        message,
        output,
        duration_ms: raw.finished.elapsed.as_millis() as u64,
        duration_us: raw.finished.elapsed.as_micros() as u64,
        todo: todo && status == TestStatus::Failed,
        timeline: timeline.filter(|_| status != TestStatus::Passed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trybuild_suite_that_compiled_nothing_has_not_passed() {
        // What trybuild 1.0.122 prints when its pattern matches no file,
        // before its test returns normally.
        let raw = RawTest {
            target: "compile_checks".into(),
            name: "must_not_compile".into(),
            limit: std::time::Duration::from_secs(300),
            finished: super::super::process::Finished {
                exit: Exit::Code(0),
                stdout: b"\x1b[33mThere are no trybuild tests enabled yet.\n\x1b[0m".to_vec(),
                stderr: Vec::new(),
                truncated: false,
                elapsed: std::time::Duration::from_millis(40),
            },
            logged: Some("ok".into()),
        };
        let test = judge(raw);
        assert_eq!(test.status, TestStatus::Failed);
        assert!(test.message.contains("found no cases"), "{}", test.message);
    }
}
