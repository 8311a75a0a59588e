//! Where a learner stands on each kata: not started, in progress, passed.
//!
//! The pipeline judges code: a kata fails or passes. A learner needs more:
//! "not started" only while the file is still the course's stub, and "in
//! progress" (with how many tests pass) as soon as it is not. Half of a
//! kata written, with six of ten tests passing, is progress, not a kata
//! waiting to be begun. This applies to the learner's own code only: a
//! reference solution or a pull request graded in CI keeps `failed`.

use crate::course::discover::{Kata, Repo};
use crate::verdict::{KataResult, KataStatus, TestStatus};

/// Turns the `failed` and `not started` verdicts of the learner's own code
/// into `not started` (the file is the stub) or `in progress` (it is not).
/// Without git to find the stub, a kata counts as not started while it
/// passes nothing beyond what the untouched starter passes (`kata.toml`'s
/// `passes_on_starter`, which `verify` keeps exact).
pub fn refine(repo: &Repo, results: &mut [KataResult]) {
    let katas: Vec<&Kata> = results
        .iter()
        .filter_map(|r| repo.katas.iter().find(|k| k.id == r.id))
        .collect();
    let untouched = crate::checks::stub::untouched(&repo.root, &katas);
    for result in results.iter_mut() {
        // Edited grading files keep a kata `failed`, whatever its code is.
        if !matches!(result.status, KataStatus::Failed | KataStatus::NotStarted)
            || !result.edited_files.is_empty()
        {
            continue;
        }
        let Some(kata) = repo.katas.iter().find(|k| k.id == result.id) else {
            continue;
        };
        let is_stub = match &untouched {
            Some(untouched) => untouched.get(&kata.id).copied().unwrap_or(false),
            None => passes_only_what_the_starter_passes(kata, result),
        };
        result.status = match is_stub {
            true => KataStatus::NotStarted,
            false => KataStatus::InProgress,
        };
    }
}

fn passes_only_what_the_starter_passes(kata: &Kata, result: &KataResult) -> bool {
    result
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Passed)
        .all(|t| kata.meta.passes_on_starter.contains(&t.name))
}
