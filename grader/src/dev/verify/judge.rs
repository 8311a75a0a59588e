//! From the verdicts of every variant of a kata (its stub, reference
//! solution, known-wrong and right solutions) to the kata's check: what
//! each must get, what proves each test, and the problems to fix.

use super::proof;
use super::solutions::{self, SolutionFile};
use super::{KataCheck, RightCheck, WrongCheck};
use crate::verdict::{KataResult, KataStatus};

/// One kata's results, by role.
#[derive(Default)]
pub struct Graded {
    pub stub: Option<KataResult>,
    pub solution: Option<KataResult>,
    pub wrongs: Vec<(usize, KataResult)>,
    pub rights: Vec<(usize, KataResult)>,
}

/// Turns one kata's verdicts into its check: statuses, counts, proofs and
/// a problem for everything that does not hold.
pub fn judge(
    check: &mut KataCheck,
    graded: &Graded,
    wrong: &[SolutionFile],
    right: &[SolutionFile],
) {
    let kata = check.kata;
    if let Some(stub) = &graded.stub {
        check.stub = Some(stub.status);
        if stub.status == KataStatus::Passed {
            check.problems.push(format!(
                "the stub in katas/{}/src/lib.rs passes: the tests do not check the kata (or the stub is already solved)",
                kata.id
            ));
        }
    }
    if let Some(solution) = &graded.solution {
        check.solution = Some(solution.status);
        if solution.status != KataStatus::Passed {
            check.problems.push(format!(
                "the reference solution is {}: {}",
                solution.status.code(),
                solutions::first_failure(solution)
            ));
        }
    }
    for (i, result) in &graded.wrongs {
        let file = &wrong[*i];
        let verdict = solutions::wrong_verdict(file, result);
        let (name, what, caught_by) =
            (file.name.clone(), file.what.clone(), file.caught_by.clone());
        let caught = verdict.is_ok();
        check.wrongs.push(WrongCheck {
            name,
            what,
            caught_by,
            caught,
        });
        check.problems.extend(verdict.err());
    }
    for (i, result) in &graded.rights {
        let file = &right[*i];
        let verdict = solutions::right_verdict(file, result);
        let (name, style, passed) = (file.name.clone(), file.what.clone(), verdict.is_ok());
        check.rights.push(RightCheck {
            name,
            style,
            passed,
        });
        check.problems.extend(verdict.err());
    }
    if let Some(stub) = &graded.stub {
        check.starter_passes = solutions::starter_passes(stub);
        if let Some(problem) =
            solutions::starter_problem(&kata.id, &kata.meta.passes_on_starter, stub)
        {
            check.problems.push(problem);
        }
    }
    if let Some(solution) = graded.solution.as_ref().filter(|s| proof::solution_ran(s)) {
        let wrongs: Vec<(&str, &KataResult)> = graded
            .wrongs
            .iter()
            .map(|(i, result)| (wrong[*i].name.as_str(), result))
            .collect();
        let proofs = proof::proofs(kata.meta.kind, solution, graded.stub.as_ref(), &wrongs);
        if let Some(problem) = proof::unproven_problem(&kata.id, &proofs) {
            check.problems.push(problem);
        }
        check.proofs = Some(proofs);
    }
}
