//! `verify --mutants`: mutation testing of every reference solution against
//! its kata's own tests.
//!
//! Known-wrong solutions prove the mistakes their authors thought of. A
//! mutation tester thinks of others, mechanically: cargo-mutants changes
//! the reference solution in small ways (a function body replaced by a
//! default value, `*` turned into `+`, `==` into `!=`) and runs the kata's
//! tests on each change. A change that no test notices is a *missed*
//! mutant: either a test is missing, or the change cannot alter what the
//! code does (an *equivalent* mutant), which the kata's `kata.toml` must
//! then record with the reason, so that every survivor was looked at.
//!
//! cargo-mutants edits the source it tests (`--in-place`, which also lets
//! every mutant reuse one build of tokio), so it never runs on the
//! learner's files: each kata gets a scratch package under
//! `.grader/mutants/katas/NN-slug/` (the kata's manifest, tests, snapshots
//! and `kata.toml`, with the reference solution as `src/lib.rs`, as a
//! workspace of its own with the repository's dependency table, profiles
//! and `Cargo.lock`), built into `<target>/mutants/`, which persists between
//! runs. The tests run in the grader's pinned environment (`CI=true`,
//! `INSTA_UPDATE=no`, no `INSTA_FORCE_PASS`, no `TRYBUILD`), and under
//! cargo-mutants' wall-clock timeouts, so a mutant that loops forever is
//! killed and counts as caught ("timeout"). Its results are read from
//! `mutants.out/outcomes.json`; everything past that is pure.
//!
//! `scratch` prepares and runs cargo-mutants; `outcomes` reads and judges
//! what it found.

mod outcomes;
mod scratch;

pub use outcomes::{judge, parse_outcomes};
pub use scratch::{Places, ensure_installed, run_kata};

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

/// The version `verify --mutants` installs and its output format is read as.
pub const VERSION: &str = "27.1.0";

/// The command that installs it, printed wherever it is needed.
pub fn install_command() -> String {
    format!("cargo install --locked cargo-mutants@{VERSION}")
}

/// Longest a test run of one mutant may take before it is killed as a
/// hang, at the least: cargo-mutants sets it from the unmutated run (five
/// times as long), never below this.
const MINIMUM_TEST_TIMEOUT_SECS: u64 = 20;

/// Longest a build may take (the first one compiles every dependency).
const BUILD_TIMEOUT_SECS: u64 = 900;

/// A whole kata's run, as a last resort should cargo-mutants itself hang.
const KATA_LIMIT: Duration = Duration::from_secs(3 * 3600);

/// What cargo-mutants made of one mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A test failed.
    Caught,
    /// The tests ran past the timeout: the mutant hangs, which a learner
    /// would see as a failure too.
    Timeout,
    /// It does not compile: nothing to test.
    Unviable,
    /// Every test passed.
    Missed,
}

/// One mutant of a reference solution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mutant {
    /// cargo-mutants' name without its location: what `kata.toml` records.
    pub name: String,
    /// `src/lib.rs:24:9`.
    pub location: String,
    pub outcome: Outcome,
    /// The change, as a unified diff, when cargo-mutants wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// One kata's mutation score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub generated: usize,
    pub caught: usize,
    pub timeout: usize,
    pub unviable: usize,
    /// Missed, but recorded as equivalent in `kata.toml`.
    pub equivalent: usize,
    /// Missed, with no reason recorded: each is a problem.
    pub missed: usize,
}

impl Score {
    /// The scores of several katas, added up.
    pub fn sum<'a>(scores: impl Iterator<Item = &'a Score>) -> Score {
        scores.fold(Score::default(), |sum, s| Score {
            generated: sum.generated + s.generated,
            caught: sum.caught + s.caught,
            timeout: sum.timeout + s.timeout,
            unviable: sum.unviable + s.unviable,
            equivalent: sum.equivalent + s.equivalent,
            missed: sum.missed + s.missed,
        })
    }

    /// Caught (or timed out) among the mutants that could have been.
    pub fn percent(&self) -> Option<u32> {
        let viable = self.generated - self.unviable - self.equivalent;
        (viable > 0).then(|| ((self.caught + self.timeout) * 100 / viable) as u32)
    }
}

/// What `verify --mutants` found for one kata.
#[derive(Debug, Clone, Serialize)]
pub struct KataMutants {
    #[serde(flatten)]
    pub score: Score,
    pub seconds: u64,
    /// Every mutant, in source order.
    pub mutants: Vec<Mutant>,
}
