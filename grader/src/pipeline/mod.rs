//! The grading pipeline: discover → plan → build → list → run → grade.
//!
//! Each stage is a module with one job, and plain data flows between them:
//! a [`Subject`] says what code stands in for a kata's `src/lib.rs`;
//! [`build`] turns subjects into test binaries (or compile errors); [`run`]
//! lists and runs every test of every binary (together when they all pass,
//! each in its own process otherwise); [`grade`]
//! turns the raw outcomes into verdicts a learner can act on.

pub mod build;
pub mod explain;
pub mod grade;
pub mod limits;
pub mod outcome;
pub mod overlay;
pub mod plan;
pub mod process;
pub mod provenance;
pub mod run;
pub mod run_lock;
pub mod seal;
pub mod test_env;
pub mod tests_kata;
pub mod verdict_cache;

use anyhow::Result;

use crate::course::discover::Repo;
use crate::ui::Progress;
use crate::verdict::KataResult;
pub use plan::{RunOptions, Source, Subject};

/// Grades every subject: one build per workspace, then all tests in parallel.
pub fn grade_all(
    repo: &Repo,
    subjects: &[Subject<'_>],
    options: &RunOptions,
    progress: &Progress,
) -> Result<Vec<KataResult>> {
    test_env::refuse_insta_overrides(repo)?;
    let _lock = run_lock::acquire(repo)?;
    let mut results = grade_subjects(repo, subjects, options, progress)?;
    // A tests kata whose tests pass is graded again, against each mutant.
    let rounds = tests_kata::mutant_subjects(subjects, &results);
    if !rounds.is_empty() {
        let mutants: Vec<Subject<'_>> = rounds.iter().map(|(_, s)| s.clone()).collect();
        let outcomes = grade_subjects(repo, &mutants, options, progress)?;
        for ((index, subject), outcome) in rounds.iter().zip(&outcomes) {
            if let Source::Mutant { lib, .. } = &subject.source {
                tests_kata::fold(&mut results[*index], subject.kata, lib, outcome);
            }
        }
    }
    Ok(results)
}

/// One round of grading: plan, build, run and grade `subjects`.
fn grade_subjects(
    repo: &Repo,
    subjects: &[Subject<'_>],
    options: &RunOptions,
    progress: &Progress,
) -> Result<Vec<KataResult>> {
    let planned = overlay::plan(repo, subjects)?;
    let step = crate::profile::step("build");
    let built = build::build(repo, &planned, progress)?;
    drop(step);
    let seal = options.sealed.then(|| {
        let _step = crate::profile::step("seal");
        seal::Seal::new(&repo.target_dir)
    });
    let step = crate::profile::step("run");
    let outcomes = run::run_all(repo, &planned, &built, options, progress)?;
    drop(step);
    if let Some(seal) = seal {
        let _step = crate::profile::step("seal check");
        seal.check()?;
    }
    if options.use_cache {
        let _step = crate::profile::step("prune");
        verdict_cache::prune_now_and_then(
            &verdict_cache::dir(&repo.target_dir),
            verdict_cache::KEEP,
        );
    }
    let results: Vec<KataResult> = planned
        .iter()
        .zip(built)
        .zip(outcomes)
        .map(|((plan, build), outcome)| grade::grade(plan.subject.kata, build, outcome))
        .collect();
    Ok(results)
}
