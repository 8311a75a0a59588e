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
//!
//! What each solution file must get (caught, passing, the starter's
//! passes) is judged in `solutions`.
//!
//! Everything here is a pure function of [`KataResult`]s, so it is tested
//! on hand-made results.

use serde::Serialize;

use crate::course::kata_file::KataKind;
use crate::verdict::{KataResult, KataStatus, TestStatus};

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
        // In a tests kata the learner's tests are theirs to name: what must
        // be proven is that each mutant is needed, that some plausible weak
        // test file (a known-wrong one) lets it through.
        .filter(|test| kind != KataKind::Tests || test.name.starts_with("mutants::"))
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
        super::solutions::plural(unproven.len(), "unproven test")
    );
    for test in unproven {
        problem.push_str(&format!("\n      {test}"));
    }
    Some(problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::tests::result;

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
}
