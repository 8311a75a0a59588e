//! Step 5: turn raw process outcomes into verdicts a learner can act on.
//!
//! A raw outcome is an exit status, a libtest log line and some output. A
//! learner needs to know *what went wrong and what it usually means*: "the
//! thread was blocked", "this function is still a `todo!()`", "the snapshot
//! differs, here is the diff". This module is the only place that makes
//! those calls, so every report format says the same thing.

use serde::{Deserialize, Serialize};

use super::build::Built;
use super::process::Exit;
use super::run::{RawTest, SubjectRun};
use crate::discover::Kata;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KataStatus {
    Passed,
    Failed,
    NotStarted,
    CompileError,
    TimedOut,
    /// `--trusted-ref`: the kata's grading files differ from the trusted ref.
    Tampered,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct KataResult {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub chapter: u32,
    /// `todo` (write it) or `fix` (repair it).
    pub kind: crate::kata_file::KataKind,
    /// One line: what the kata teaches.
    pub summary: String,
    pub status: KataStatus,
    pub tests: Vec<TestResult>,
    /// rustc's rendered compile errors, when the kata does not compile.
    pub diagnostics: Vec<String>,
    /// `tampered`: the grading files that differ from the trusted ref.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tampered_files: Vec<String>,
    /// The learner's own code only: grading files that differ from git's
    /// `HEAD` (integrity.rs). While there are any, the kata is not passed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edited_files: Vec<crate::integrity::EditedFile>,
}

impl KataResult {
    pub fn passed_tests(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.status == TestStatus::Passed)
            .count()
    }
}

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
        });
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
        edited_files: Vec::new(),
    }
}

/// A kata that could not be graded at all (its `kata.toml` is malformed, it
/// has no tests, the solution to grade is missing): `failed`, no tests, and
/// `why` as its one diagnostic, so every report format shows the reason.
pub fn ungradable(
    id: &str,
    number: u32,
    meta: Option<&crate::kata_file::KataFile>,
    why: String,
) -> KataResult {
    KataResult {
        id: id.to_string(),
        number,
        title: meta.map_or_else(|| id.to_string(), |m| m.title.clone()),
        chapter: meta.map_or(0, |m| m.chapter),
        kind: meta.map_or(crate::kata_file::KataKind::Todo, |m| m.kind),
        summary: meta.map(|m| m.summary.clone()).unwrap_or_default(),
        status: KataStatus::Failed,
        tests: Vec::new(),
        diagnostics: vec![why],
        tampered_files: Vec::new(),
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
    let stderr = strip_ansi(&clean_stderr(&String::from_utf8_lossy(
        &raw.finished.stderr,
    )));
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
                 channel's recv) inside async code.",
                raw.limit.as_secs()
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
    }
}

/// libtest's deprecation notice for `--logfile` is ours, not the learner's.
fn clean_stderr(stderr: &str) -> String {
    stderr.replace("warning: `--logfile` is deprecated", "")
}

/// Tools that colour their output anyway (trybuild does) must not leave
/// escape codes in messages, JSON or a NO_COLOR terminal.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, PartialEq)]
struct Panic {
    location: String,
    message: String,
}

/// Every `thread '…' panicked at LOCATION:\nMESSAGE` block in the output.
fn panics(stderr: &str) -> Vec<Panic> {
    let mut found = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        // `thread 'name' (id) panicked at src/lib.rs:4:5:` (the id is new in 1.9x).
        let Some(at) = line
            .find(" panicked at ")
            .filter(|_| line.starts_with("thread '"))
        else {
            continue;
        };
        let location = line[at + " panicked at ".len()..]
            .trim_end_matches(':')
            .to_string();
        // Older formats put the message on the same line after a comma.
        let mut message = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("note: run with `RUST_BACKTRACE")
                || next.starts_with("stack backtrace:")
                || (next.starts_with("thread '") && next.contains(" panicked at "))
            {
                break;
            }
            message.push(*next);
            lines.next();
        }
        found.push(Panic {
            location,
            message: message.join("\n").trim_end().to_string(),
        });
    }
    found
}

/// Output that makes a test's "ok" worth nothing: a trybuild suite whose
/// file pattern matched no case compiled nothing, and says so ("There are
/// no trybuild tests enabled yet."; the capital has varied by version).
pub fn hollow_pass(output: &str) -> bool {
    output
        .to_ascii_lowercase()
        .contains("there are no trybuild tests enabled yet")
}

fn panic_message(panics: &[Panic], stdout: &str, stderr: &str) -> String {
    // The first panic is the cause; later ones are usually the test noticing
    // (a JoinError from a task that panicked first).
    let first = &panics[0];
    if first.message.starts_with("not yet implemented") {
        return format!(
            "reached a `todo!()` at {}: this part of the kata is not written yet.",
            first.location
        );
    }
    let mut message = first.message.clone();
    if let Some(diff) = insta_diff(&format!("{stdout}\n{stderr}")) {
        message = format!(
            "{message}\nThe snapshot holds the expected result and your code's differs: \
             lines marked - are expected (old snapshot), + are what your code produced (new results).\n{diff}"
        );
    } else if let Some(report) = trybuild_report(stdout, stderr) {
        message = format!("{message}\n{report}");
    }
    if panics.len() > 1 {
        message.push_str(&format!(
            "\n(then {} more panic(s); the first one is usually the cause)",
            panics.len() - 1
        ));
    }
    message
}

/// insta prints a summary of a failed snapshot (its description and a
/// diff) on stdout before it panics; that diff is the feedback.
fn insta_diff(output: &str) -> Option<String> {
    let start = output.find("Snapshot Summary")?;
    let block = &output[start..];
    let lines: Vec<&str> = block
        .lines()
        .skip(1)
        .take_while(|l| {
            !(l.starts_with("Stopped on the first failure")
                || l.starts_with("To update snapshots")
                || l.starts_with("FAILED")
                || l.starts_with("failures:")
                || l.starts_with("thread '"))
        })
        .filter(|l| !l.trim().is_empty())
        .collect();
    Some(lines.join("\n"))
}

/// trybuild prints which compile checks mismatched, with both outputs.
fn trybuild_report(stdout: &str, stderr: &str) -> Option<String> {
    for text in [stderr, stdout] {
        if let Some(start) = text.find("\ntest tests/") {
            let block = &text[start + 1..];
            let end = block.find("\nthread '").unwrap_or(block.len());
            return Some(block[..end].trim_end().to_string());
        }
    }
    None
}

fn crash_message(signal: i32, stderr: &str) -> String {
    if let Some(message) = super::limits::out_of_memory(stderr) {
        return message;
    }
    if stderr.contains("has overflowed its stack") {
        return "the test overflowed its stack and the process was aborted. This is runaway \
                recursion: a function that calls itself without end, or a huge value on the stack."
            .to_string();
    }
    match signal {
        libc::SIGABRT => "the test process aborted (std::process::abort, or a panic while already \
                          panicking). Nothing after that point ran."
            .to_string(),
        libc::SIGKILL => "the test process was killed (signal 9), most likely for using too much memory."
            .to_string(),
        libc::SIGSEGV => "the test process crashed with a segmentation fault (signal 11): is there `unsafe` code?"
            .to_string(),
        other => format!("the test process was killed by signal {other}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_panic_with_its_message() {
        let stderr = "\nrunning 1 test\nthread 'a' (123) panicked at src/lib.rs:4:5:\nboom\nsecond line\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                      thread 'a' (123) panicked at tests/grading.rs:9:1:\ncalled `Result::unwrap()`\n";
        assert_eq!(
            panics(stderr),
            vec![
                Panic {
                    location: "src/lib.rs:4:5".into(),
                    message: "boom\nsecond line".into()
                },
                Panic {
                    location: "tests/grading.rs:9:1".into(),
                    message: "called `Result::unwrap()`".into()
                },
            ]
        );
    }

    #[test]
    fn a_todo_is_named_as_such() {
        let found = panics(
            "thread 'x' panicked at katas/07-timeout/src/lib.rs:12:5:\nnot yet implemented\n",
        );
        let message = panic_message(&found, "", "");
        assert_eq!(
            message,
            "reached a `todo!()` at katas/07-timeout/src/lib.rs:12:5: this part of the kata is not written yet."
        );
    }

    #[test]
    fn a_snapshot_failure_shows_insta_s_diff() {
        let stdout = "test x ... ━━━ Snapshot Summary ━━━\nSnapshot: results\n-old snapshot\n+new results\n\
                      1 │-a\n1 │+b\nStopped on the first failure. Run `cargo insta test` to run all snapshots.\nFAILED\n";
        let diff = insta_diff(stdout).unwrap();
        assert_eq!(
            diff,
            "Snapshot: results\n-old snapshot\n+new results\n1 │-a\n1 │+b"
        );
    }

    #[test]
    fn escape_codes_are_stripped() {
        assert_eq!(
            strip_ansi("test \u{1b}[0m\u{1b}[1mtests/x.rs\u{1b}[0m ... \u{1b}[1m\u{1b}[31merror"),
            "test tests/x.rs ... error"
        );
    }

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

    #[test]
    fn a_stack_overflow_is_explained() {
        let message = crash_message(libc::SIGABRT, "thread 'x' has overflowed its stack\n");
        assert!(message.contains("overflowed its stack"));
    }
}
