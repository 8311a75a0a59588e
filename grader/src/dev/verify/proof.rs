//! What each grading test is shown to catch, from the verdicts alone.
//!
//! A test that passes on every piece of code anyone wrote may be checking
//! nothing at all: it would pass wrong code too. `verify` grades the stub,
//! the reference solution, every known-wrong solution and every correct
//! solution written in another style; this module reads those verdicts and
//! decides, without running anything, what holds:
//!
//! - which variants make each test fail (its *proof*), and which tests
//!   nothing makes fail (*unproven*);
//! - whether each known-wrong solution is caught by every test its header
//!   names, and each correct one passes;
//! - whether `passes_on_starter` in `kata.toml` lists exactly what the
//!   untouched starter code passes.
//!
//! Everything here is a pure function of [`KataResult`]s, so it is tested
//! on hand-made results.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::course::kata_file::KataKind;
use crate::verdict::{KataResult, KataStatus, TestStatus};

/// A solution file of `wrong/` or `right/`, with what its header says.
#[derive(Debug, Clone)]
pub struct SolutionFile {
    pub path: std::path::PathBuf,
    /// The file's stem: `busy_poll` for `wrong/busy_poll.rs`.
    pub name: String,
    /// `//! Wrong: <what is wrong>` or `//! Right: <its style>`.
    pub what: Option<String>,
    /// `//! Caught by: a, b`: the tests that must fail (known-wrong only).
    pub caught_by: Vec<String>,
}

/// Reads the `.rs` files of `dir` (`wrong/` or `right/`), sorted by name.
/// `key` is the header that describes each one (`Wrong:` or `Right:`).
pub fn solution_files(dir: &std::path::Path, key: &str) -> anyhow::Result<Vec<SolutionFile>> {
    use anyhow::Context as _;
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(found);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            found.push(SolutionFile {
                name: path.file_stem().unwrap().to_string_lossy().to_string(),
                what: header(&text, key),
                caught_by: header(&text, "Caught by:")
                    .map(|names| parse_caught_by(&names))
                    .unwrap_or_default(),
                path,
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// The value of `//! KEY value` in the file's leading comment block.
fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| {
            l.trim_start_matches('/')
                .trim_start_matches('!')
                .trim()
                .strip_prefix(key)
                .map(|v| v.trim().to_string())
        })
}

/// `Caught by: a, grading::b` names one or more tests, separated by commas.
pub fn parse_caught_by(names: &str) -> Vec<String> {
    names
        .split(',')
        .map(|n| n.trim().trim_matches('`').trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// A test failed in a way that shows it can tell code apart. `not_run`
/// does not count: the test file did not compile against that code, which
/// proves the compile step, not the test.
pub fn fails(status: TestStatus) -> bool {
    matches!(
        status,
        TestStatus::Failed | TestStatus::TimedOut | TestStatus::Crashed
    )
}

/// One grading test and the variants that make it fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestProof {
    /// `grading::a_slow_future_times_out`.
    pub test: String,
    /// `wrong/<name>` for each known-wrong solution that fails it, then
    /// `stub` when the starter code of a fix kata fails it.
    pub proven_by: Vec<String>,
}

impl TestProof {
    pub fn proven(&self) -> bool {
        !self.proven_by.is_empty()
    }
}

/// The proof of every test the reference solution's run lists.
///
/// A known-wrong solution proves a test it fails. The stub proves a test
/// only in a `fix` kata, where it is code that runs and is wrong: the stub
/// of a `todo` kata fails everything by reaching its `todo!()`, which says
/// nothing about what a test checks (and a `todo!()` failure never counts,
/// whatever the kind).
pub fn proofs(
    kind: KataKind,
    solution: &KataResult,
    stub: Option<&KataResult>,
    wrongs: &[(&str, &KataResult)],
) -> Vec<TestProof> {
    solution
        .tests
        .iter()
        .map(|test| {
            let fails_in = |result: &KataResult| {
                result
                    .tests
                    .iter()
                    .find(|t| t.name == test.name)
                    .is_some_and(|t| fails(t.status) && !t.todo)
            };
            let mut proven_by: Vec<String> = wrongs
                .iter()
                .filter(|(_, result)| fails_in(result))
                .map(|(name, _)| format!("wrong/{name}"))
                .collect();
            if kind == KataKind::Fix && stub.is_some_and(fails_in) {
                proven_by.push("stub".into());
            }
            TestProof {
                test: test.name.clone(),
                proven_by,
            }
        })
        .collect()
}

/// Whether proofs can be read from this run of the reference solution: it
/// ran its tests (a solution that does not compile lists its test files,
/// not its tests, and is a problem of its own).
pub fn solution_ran(solution: &KataResult) -> bool {
    solution.status != KataStatus::CompileError
        && !solution.tests.is_empty()
        && solution
            .tests
            .iter()
            .all(|t| t.status != TestStatus::NotRun)
}

/// The problem an unproven test makes, or none when every test is proven.
pub fn unproven_problem(kata_id: &str, proofs: &[TestProof]) -> Option<String> {
    let unproven: Vec<&str> = proofs
        .iter()
        .filter(|p| !p.proven())
        .map(|p| p.test.as_str())
        .collect();
    if unproven.is_empty() {
        return None;
    }
    let (them, catches) = match unproven.len() {
        1 => ("it", "this test catches"),
        _ => ("them", "each test catches"),
    };
    let mut problem = format!(
        "{}: nothing makes {them} fail (no known-wrong solution, nor the starter code of a fix \
         kata), so nothing shows {them} catching a mistake. Write a known-wrong solution that \
         {catches} (solutions/{kata_id}/wrong/<the_mistake>.rs, headed `//! Wrong: …` and \
         `//! Caught by: <test>`), or delete the test:",
        plural(unproven.len(), "unproven test")
    );
    for test in unproven {
        problem.push_str(&format!("\n      {test}"));
    }
    Some(problem)
}

/// A known-wrong solution must not pass, and every test its header names
/// must fail on it.
pub fn wrong_verdict(wrong: &SolutionFile, result: &KataResult) -> Result<(), String> {
    if result.status == KataStatus::Passed {
        return Err(format!(
            "wrong/{}.rs PASSES, so the tests miss this mistake: {}",
            wrong.name,
            wrong.what.as_deref().unwrap_or("?")
        ));
    }
    let mut problems = Vec::new();
    for caught_by in &wrong.caught_by {
        let test = result
            .tests
            .iter()
            .find(|t| t.name == *caught_by || t.name.ends_with(&format!("::{caught_by}")));
        match test {
            None => problems.push(format!(
                "wrong/{}.rs names `{caught_by}` as a test that catches it, but no such test ran ({})",
                wrong.name,
                result.status.code()
            )),
            Some(t) if t.status == TestStatus::Passed => problems.push(format!(
                "wrong/{}.rs is not caught by `{caught_by}`, which passes (the kata failed elsewhere: {})",
                wrong.name,
                first_failure(result)
            )),
            Some(_) => {}
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n  - ")),
    }
}

/// A correct solution written in another style must pass every test: a
/// test it fails asks for more than the kata does (a layout, a combinator,
/// an order of effects the README does not require).
pub fn right_verdict(right: &SolutionFile, result: &KataResult) -> Result<(), String> {
    if result.status == KataStatus::Passed {
        return Ok(());
    }
    let style = right.what.as_deref().unwrap_or("?");
    if result.status == KataStatus::CompileError || result.tests.is_empty() {
        return Err(format!(
            "right/{}.rs, a correct solution in another style ({style}), does not build \
             against the tests ({}): {}",
            right.name,
            result.status.code(),
            first_failure(result)
        ));
    }
    let failing: Vec<String> = result
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| {
            format!(
                "right/{}.rs, a correct solution in another style ({style}), fails test {}: the \
                 tests are stricter than the kata asks. It said: {}",
                right.name,
                t.name,
                t.message.lines().next().unwrap_or("")
            )
        })
        .collect();
    Err(failing.join("\n  - "))
}

/// The tests the starter passes, when that differs from what `kata.toml`
/// says it does; the problem prints the line to paste.
pub fn starter_problem(kata_id: &str, listed: &[String], stub: &KataResult) -> Option<String> {
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let actual = starter_passes(stub);
    let actual: BTreeSet<&str> = actual.iter().map(String::as_str).collect();
    if listed == actual {
        return None;
    }
    let unlisted: Vec<&str> = actual.difference(&listed).copied().collect();
    let not_passing: Vec<&str> = listed.difference(&actual).copied().collect();
    let mut what = Vec::new();
    if !unlisted.is_empty() {
        what.push(format!(
            "the starter code passes {} that kata.toml does not list ({})",
            plural(unlisted.len(), "test"),
            unlisted.join(", ")
        ));
    }
    if !not_passing.is_empty() {
        what.push(format!(
            "kata.toml lists {} that the starter code does not pass ({})",
            plural(not_passing.len(), "test"),
            not_passing.join(", ")
        ));
    }
    Some(format!(
        "passes_on_starter is out of date: {}. Those tests earn no points, so the list must be \
         exact. Put this line in katas/{kata_id}/kata.toml (above any [table]):\n      {}",
        what.join("; "),
        passes_on_starter_line(&actual.into_iter().collect::<Vec<_>>())
    ))
}

/// The tests the stub passes, sorted.
pub fn starter_passes(stub: &KataResult) -> Vec<String> {
    let mut passed: Vec<String> = stub
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Passed)
        .map(|t| t.name.clone())
        .collect();
    passed.sort();
    passed
}

/// `passes_on_starter = ["grading::a", "grading::b"]`, as TOML writes it.
pub fn passes_on_starter_line(tests: &[&str]) -> String {
    let quoted: Vec<String> = tests
        .iter()
        .map(|t| toml::Value::String(t.to_string()).to_string())
        .collect();
    format!("passes_on_starter = [{}]", quoted.join(", "))
}

fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

pub fn first_failure(result: &KataResult) -> String {
    if let Some(diagnostic) = result.diagnostics.first() {
        return diagnostic.lines().next().unwrap_or("").to_string();
    }
    result
        .tests
        .iter()
        .find(|t| t.status != TestStatus::Passed)
        .map(|t| format!("{} — {}", t.name, t.message.lines().next().unwrap_or("")))
        .unwrap_or_else(|| "no tests ran".into())
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::verdict::TestResult;

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
                })
                .collect(),
            diagnostics: Vec::new(),
            tampered_files: Vec::new(),
            edited_files: Vec::new(),
        }
    }

    use TestStatus::{Crashed, Failed, NotRun, Passed, TimedOut};

    fn solution() -> KataResult {
        result(
            KataStatus::Passed,
            &[
                ("grading::a", Passed),
                ("grading::b", Passed),
                ("grading::c", Passed),
                ("grading::d", Passed),
            ],
        )
    }

    fn proven_by<'a>(proofs: &'a [TestProof], test: &str) -> Vec<&'a str> {
        proofs
            .iter()
            .find(|p| p.test == test)
            .unwrap()
            .proven_by
            .iter()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn a_wrong_solution_proves_the_tests_it_fails_or_times_out_or_crashes() {
        let busy = result(
            KataStatus::TimedOut,
            &[
                ("grading::a", TimedOut),
                ("grading::b", Passed),
                ("grading::c", Crashed),
                ("grading::d", Passed),
            ],
        );
        let unbiased = result(
            KataStatus::Failed,
            &[
                ("grading::a", Failed),
                ("grading::b", Passed),
                ("grading::c", Passed),
                ("grading::d", Passed),
            ],
        );
        let proofs = proofs(
            KataKind::Todo,
            &solution(),
            None,
            &[("busy_poll", &busy), ("unbiased", &unbiased)],
        );
        assert_eq!(
            proven_by(&proofs, "grading::a"),
            ["wrong/busy_poll", "wrong/unbiased"]
        );
        assert_eq!(proven_by(&proofs, "grading::c"), ["wrong/busy_poll"]);
        let unproven: Vec<&str> = proofs
            .iter()
            .filter(|p| !p.proven())
            .map(|p| p.test.as_str())
            .collect();
        assert_eq!(unproven, ["grading::b", "grading::d"]);
    }

    #[test]
    fn a_test_file_that_did_not_compile_proves_nothing() {
        // A compile failure names the test file, not its tests: the test
        // itself never ran against that code.
        let wrong = result(KataStatus::CompileError, &[("grading", NotRun)]);
        let proofs = proofs(KataKind::Todo, &solution(), None, &[("no_send", &wrong)]);
        assert!(proofs.iter().all(|p| !p.proven()), "{proofs:?}");
        // Nor does a test that did not run in a file that did.
        let ignored = result(KataStatus::Failed, &[("grading::a", NotRun)]);
        let proofs = super::proofs(KataKind::Todo, &solution(), None, &[("x", &ignored)]);
        assert!(!proofs[0].proven());
    }

    #[test]
    fn the_stub_proves_what_it_fails_only_in_a_fix_kata() {
        let stub = result(
            KataStatus::Failed,
            &[
                ("grading::a", Failed),
                ("grading::b", Passed),
                ("grading::c", TimedOut),
                ("grading::d", Passed),
            ],
        );
        let fix = proofs(KataKind::Fix, &solution(), Some(&stub), &[]);
        assert_eq!(proven_by(&fix, "grading::a"), ["stub"]);
        assert_eq!(proven_by(&fix, "grading::c"), ["stub"]);
        assert!(proven_by(&fix, "grading::b").is_empty());
        // The same failures in a todo kata's stub prove nothing.
        let todo = proofs(KataKind::Todo, &solution(), Some(&stub), &[]);
        assert!(todo.iter().all(|p| !p.proven()), "{todo:?}");
    }

    #[test]
    fn a_todo_panic_is_never_a_proof() {
        let stub = result(
            KataStatus::NotStarted,
            &[
                ("grading::a!todo", Failed),
                ("grading::b!todo", Failed),
                ("grading::c!todo", Failed),
                ("grading::d!todo", Failed),
            ],
        );
        let proofs = proofs(KataKind::Fix, &solution(), Some(&stub), &[]);
        assert!(proofs.iter().all(|p| !p.proven()), "{proofs:?}");
        let problem = unproven_problem("07-timeout", &proofs).unwrap();
        assert!(
            problem.starts_with("4 unproven tests: nothing makes them fail"),
            "{problem}"
        );
        assert!(problem.contains("or delete the test"), "{problem}");
        assert!(problem.contains("\n      grading::d"), "{problem}");
    }

    #[test]
    fn the_proof_lists_wrong_solutions_then_the_stub_for_every_test_of_the_solution() {
        let stub = result(KataStatus::Failed, &[("grading::b", Failed)]);
        let wrong = result(KataStatus::Failed, &[("grading::b", Failed)]);
        let proofs = proofs(KataKind::Fix, &solution(), Some(&stub), &[("w", &wrong)]);
        assert_eq!(
            proofs.iter().map(|p| p.test.as_str()).collect::<Vec<_>>(),
            ["grading::a", "grading::b", "grading::c", "grading::d"]
        );
        assert_eq!(proven_by(&proofs, "grading::b"), ["wrong/w", "stub"]);
        assert_eq!(unproven_problem("x", &[]), None);
    }

    fn wrong(caught_by: &str) -> SolutionFile {
        SolutionFile {
            path: "wrong/w.rs".into(),
            name: "w".into(),
            what: Some("awaits first".into()),
            caught_by: parse_caught_by(caught_by),
        }
    }

    #[test]
    fn caught_by_may_name_several_tests_and_each_must_fail() {
        assert_eq!(
            parse_caught_by(" a, grading::b ,`c`,"),
            ["a", "grading::b", "c"]
        );
        let run = result(
            KataStatus::Failed,
            &[
                ("grading::a", Failed),
                ("grading::b", TimedOut),
                ("grading::c", Passed),
            ],
        );
        assert_eq!(wrong_verdict(&wrong("a, grading::b"), &run), Ok(()));
        let err = wrong_verdict(&wrong("a, c, missing"), &run).unwrap_err();
        assert!(err.contains("not caught by `c`, which passes"), "{err}");
        assert!(err.contains("names `missing`"), "{err}");
        assert!(!err.contains("`a`"), "{err}");
    }

    #[test]
    fn a_wrong_solution_that_passes_is_a_miss() {
        let run = result(KataStatus::Passed, &[("grading::a", Passed)]);
        let err = wrong_verdict(&wrong("a"), &run).unwrap_err();
        assert!(
            err.contains("PASSES") && err.contains("awaits first"),
            "{err}"
        );
    }

    #[test]
    fn a_right_solution_must_pass_every_test() {
        let right = SolutionFile {
            path: "right/r.rs".into(),
            name: "r".into(),
            what: Some("with FuturesUnordered".into()),
            caught_by: Vec::new(),
        };
        let passed = result(KataStatus::Passed, &[("grading::a", Passed)]);
        assert_eq!(right_verdict(&right, &passed), Ok(()));
        let failed = result(
            KataStatus::Failed,
            &[("grading::a", Passed), ("grading::b", Failed)],
        );
        let err = right_verdict(&right, &failed).unwrap_err();
        assert!(
            err.starts_with(
                "right/r.rs, a correct solution in another style (with FuturesUnordered), \
                 fails test grading::b: the tests are stricter than the kata asks"
            ),
            "{err}"
        );
        let broken = result(KataStatus::CompileError, &[("grading", NotRun)]);
        assert!(right_verdict(&right, &broken)
            .unwrap_err()
            .contains("does not build"));
    }

    #[test]
    fn passes_on_starter_must_list_exactly_what_the_starter_passes() {
        let stub = result(
            KataStatus::Failed,
            &[
                ("grading::a", Passed),
                ("grading::b", Failed),
                ("grading::c", Passed),
            ],
        );
        let listed = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            starter_problem("10-fan-in", &listed(&["grading::c", "grading::a"]), &stub),
            None
        );
        let problem =
            starter_problem("10-fan-in", &listed(&["grading::a", "grading::b"]), &stub).unwrap();
        assert!(
            problem.contains("passes 1 test that kata.toml does not list (grading::c)"),
            "{problem}"
        );
        assert!(
            problem.contains("lists 1 test that the starter code does not pass (grading::b)"),
            "{problem}"
        );
        assert!(
            problem.ends_with(
                "katas/10-fan-in/kata.toml (above any [table]):\n      \
                 passes_on_starter = [\"grading::a\", \"grading::c\"]"
            ),
            "{problem}"
        );
        // A missing field is an empty list: a todo stub passes nothing.
        let todo = result(KataStatus::NotStarted, &[("grading::a!todo", Failed)]);
        assert_eq!(starter_problem("07-timeout", &[], &todo), None);
    }
}
