//! The grading pipeline: discover → plan → build → list → run → grade.
//!
//! Each stage is a module with one job, and plain data flows between them:
//! a [`Subject`] says what code stands in for a kata's `src/lib.rs`;
//! [`build`] turns subjects into test binaries (or compile errors); [`run`]
//! lists and runs every test of every binary (together when they all pass,
//! each in its own process otherwise); [`grade`]
//! turns the raw outcomes into verdicts a learner can act on.

pub mod build;
pub mod grade;
pub mod limits;
pub mod overlay;
pub mod process;
pub mod provenance;
pub mod reaper;
pub mod run;
pub mod run_lock;
pub mod verdict_cache;

use std::path::PathBuf;

use anyhow::Result;

use crate::discover::{Kata, Repo};
use crate::ui::Progress;
pub use grade::{KataResult, KataStatus, TestStatus};

/// Which code is graded as a kata's library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The learner's own `katas/NN-slug/src/lib.rs`, built in the workspace.
    Working,
    /// Another file (a reference solution, a known-wrong one), built in a
    /// generated workspace so the learner's tree is never touched.
    File(PathBuf),
}

/// One grading job: a kata's tests against one source.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub kata: &'a Kata,
    pub source: Source,
    /// A short name for this variant inside the overlay (`solution`, `wrong-x`).
    pub variant: String,
}

impl<'a> Subject<'a> {
    pub fn working(kata: &'a Kata) -> Self {
        Subject {
            kata,
            source: Source::Working,
            variant: "working".into(),
        }
    }

    pub fn file(kata: &'a Kata, variant: &str, path: PathBuf) -> Self {
        Subject {
            kata,
            source: Source::File(path),
            variant: variant.into(),
        }
    }
}

/// Options that shape a whole grading run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How many test processes run at once.
    pub jobs: usize,
    /// Compare the learner's grading files with git (integrity.rs): an
    /// edited test or snapshot keeps the kata from passing. Off for
    /// `verify`, where authors edit grading files on purpose.
    pub check_edits: bool,
    /// Replay recorded verdicts of tests whose inputs did not change
    /// (verdict_cache.rs); `--no-cache` turns it off.
    pub use_cache: bool,
}

/// Grades every subject: one build per workspace, then all tests in parallel.
pub fn grade_all(
    repo: &Repo,
    subjects: &[Subject<'_>],
    options: &RunOptions,
    progress: &Progress,
) -> Result<Vec<KataResult>> {
    crate::guard::refuse_insta_overrides(repo)?;
    let _lock = run_lock::acquire(repo)?;
    let planned = overlay::plan(repo, subjects)?;
    let step = crate::profile::step("build");
    let built = build::build(repo, &planned, progress)?;
    drop(step);
    let step = crate::profile::step("run");
    let outcomes = run::run_all(repo, &planned, &built, options, progress)?;
    drop(step);
    if options.use_cache {
        let _step = crate::profile::step("prune");
        verdict_cache::prune_now_and_then(
            &verdict_cache::dir(&repo.target_dir),
            verdict_cache::KEEP,
        );
    }
    let mut results: Vec<KataResult> = planned
        .iter()
        .zip(built)
        .zip(outcomes)
        .map(|((plan, build), outcome)| grade::grade(plan.subject.kata, build, outcome))
        .collect();
    // After the run, so that a file rewritten while building or testing
    // (a build script, a test that "blesses" its own snapshot) is seen too.
    if options.check_edits {
        let _step = crate::profile::step("git check");
        crate::integrity::mark_edited(repo, subjects, &mut results);
    }
    Ok(results)
}
