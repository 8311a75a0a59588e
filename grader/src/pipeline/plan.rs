//! What a grading run grades, as plain data: each [`Subject`] is a kata's
//! tests with the code that stands in for its `src/lib.rs`, and each
//! [`Planned`] subject says which cargo package builds it (see `overlay`
//! for code other than the learner's).

use std::path::PathBuf;

use crate::course::discover::Kata;

/// Which code is graded as a kata's library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The learner's own `katas/NN-slug/src/lib.rs`, built in the workspace.
    Working,
    /// Another file (a reference solution, a known-wrong one), built in a
    /// generated workspace so the learner's tree is never touched. In a
    /// tests kata the file is a test file, standing in for the learner's
    /// tests, and the library stays the course's implementation.
    File(PathBuf),
    /// A tests kata's mutant `lib` in place of the course's implementation,
    /// tested by the learner's tests: their `src/lib.rs`, or `tests` when
    /// another test file is graded.
    Mutant {
        lib: PathBuf,
        tests: Option<PathBuf>,
    },
}

/// One grading job: a kata's tests against one source.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub kata: &'a Kata,
    pub source: Source,
    /// Which of the kata's codes this is; it names the overlay's package.
    pub variant: Variant,
}

/// The codes a kata's tests are graded against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Variant {
    /// The learner's `src/lib.rs`.
    Working,
    /// The course's stub, from git (`verify`).
    Stub,
    /// The reference solution.
    Solution,
    /// A known-wrong solution (`wrong/NAME.rs`): every one must fail.
    Wrong(String),
    /// A correct solution in another style (`right/NAME.rs`): must pass.
    Right(String),
    /// A tests kata's mutant (`mutants/NAME.rs`) under the tests of the
    /// variant named first.
    Mutant(Box<Variant>, String),
}

/// `working`, `solution`, `wrong-NAME`, `right-NAME`: short and safe in a
/// package name.
impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Variant::Working => f.write_str("working"),
            Variant::Stub => f.write_str("stub"),
            Variant::Solution => f.write_str("solution"),
            Variant::Wrong(name) => write!(f, "wrong-{name}"),
            Variant::Right(name) => write!(f, "right-{name}"),
            Variant::Mutant(tests, name) => write!(f, "{tests}-mutant-{name}"),
        }
    }
}

impl<'a> Subject<'a> {
    pub fn working(kata: &'a Kata) -> Self {
        Subject {
            kata,
            source: Source::Working,
            variant: Variant::Working,
        }
    }

    pub fn file(kata: &'a Kata, variant: Variant, path: PathBuf) -> Self {
        Subject {
            kata,
            source: Source::File(path),
            variant,
        }
    }
}

/// Options that shape a whole grading run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How many test processes run at once.
    pub jobs: usize,
    /// Replay recorded verdicts of tests whose inputs did not change
    /// (verdict_cache.rs); `--no-cache` turns it off.
    pub use_cache: bool,
    /// Check that the tests changed nothing in the target directory the
    /// next grading would trust (seal.rs): trusted grading.
    pub sealed: bool,
}

/// A subject with the cargo coordinates to build and run it.
#[derive(Debug, Clone)]
pub struct Planned<'a> {
    pub subject: Subject<'a>,
    /// The workspace manifest to build with.
    pub workspace_manifest: PathBuf,
    /// The cargo package to build.
    pub package: String,
    /// `CARGO_MANIFEST_DIR` for its tests (trybuild builds this package).
    pub manifest_dir: PathBuf,
}
