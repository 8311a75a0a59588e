//! `verify`: the instructor's proof that every kata is sound.
//!
//! A kata is only worth grading if its tests tell right from wrong. For
//! every kata this checks that the stub does not pass, the reference
//! solution does, every known-wrong solution in `solutions/NN/wrong/` does
//! not (caught by the very tests its header names), every correct solution
//! written in another style in `solutions/NN/right/` does, and that every
//! test is *proven*: some known-wrong solution (or a fix kata's starter
//! code) makes it fail. All variants are built in one cargo invocation
//! (through the overlay workspace) and run in parallel, like an ordinary
//! grading run; [`proof`] then reads the verdicts, and [`render`] shows them
//! to people or, with `--format json`, to machines. With `--mutants`,
//! [`mutants`] also runs cargo-mutants on every reference solution.

mod judge;
pub mod mutants;
pub mod proof;
pub mod render;
pub mod solutions;

use std::path::Path;

use anyhow::Result;

use crate::course::discover::{Kata, Repo};
use crate::pipeline::plan::Variant;
use crate::pipeline::{self, RunOptions, Subject};
use crate::ui::Progress;
use crate::verdict::{KataResult, KataStatus};
use judge::{Graded, judge};
use proof::TestProof;
use solutions::SolutionFile;

/// Katas per build with `--discard-builds`: enough to keep both cores busy.
const DISCARD_BATCH: usize = 6;

/// Everything `verify` found out about one kata.
pub struct KataCheck<'a> {
    pub kata: &'a Kata,
    /// Where the graded stub came from: git's stub at a revision
    /// (`origin/main`, `HEAD`), or the working tree for a kata git does not
    /// have yet (a kata being authored).
    pub stub_from: String,
    pub stub: Option<KataStatus>,
    pub solution: Option<KataStatus>,
    pub wrongs: Vec<WrongCheck>,
    pub rights: Vec<RightCheck>,
    /// What proves each test, in the order the solution's run lists them;
    /// `None` when the reference solution did not run its tests.
    pub proofs: Option<Vec<TestProof>>,
    /// The tests the starter code passes (`passes_on_starter` must match).
    pub starter_passes: Vec<String>,
    /// `verify --mutants`: the reference solution's mutation score.
    pub mutants: Option<mutants::KataMutants>,
    /// One line (or paragraph) per thing to fix; none means sound.
    pub problems: Vec<String>,
}

impl KataCheck<'_> {
    pub fn sound(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn unproven(&self) -> Vec<&str> {
        self.proofs
            .iter()
            .flatten()
            .filter(|p| !p.proven())
            .map(|p| p.test.as_str())
            .collect()
    }

    pub fn wrong_caught(&self) -> usize {
        self.wrongs.iter().filter(|w| w.caught).count()
    }

    pub fn right_passed(&self) -> usize {
        self.rights.iter().filter(|r| r.passed).count()
    }
}

/// A known-wrong solution and whether it was caught as its header says.
pub struct WrongCheck {
    pub name: String,
    pub what: Option<String>,
    pub caught_by: Vec<String>,
    pub caught: bool,
}

/// A correct solution in another style and whether it passed.
pub struct RightCheck {
    pub name: String,
    pub style: Option<String>,
    pub passed: bool,
}

/// What a graded subject is, for its kata.
#[derive(Clone, Copy)]
enum Role {
    Stub,
    Solution,
    Wrong(usize),
    Right(usize),
}

/// What `verify` was asked to do besides the ordinary checks.
pub struct Options {
    /// Delete each wrong and right solution's build once graded.
    pub discard_builds: bool,
    /// Also run cargo-mutants on every reference solution.
    pub mutants: bool,
}

pub fn verify<'a>(
    repo: &Repo,
    katas: &[&'a Kata],
    solutions_root: &Path,
    options: &RunOptions,
    verify_options: &Options,
    progress: &Progress,
) -> Result<Vec<KataCheck<'a>>> {
    // Before the long part, so that a missing tool is found at once.
    if verify_options.mutants {
        mutants::ensure_installed()?;
    }
    let discard_builds = verify_options.discard_builds;
    // The course's stubs as git has them: an instructor who solved a kata
    // in the working tree still checks the course, not their solution.
    let rev = crate::checks::stub::stub_rev(&repo.root);
    let mut subjects = Vec::new();
    let mut roles = Vec::new();
    let mut files: Vec<(Vec<SolutionFile>, Vec<SolutionFile>)> = Vec::new();
    let mut checks: Vec<KataCheck> = Vec::new();
    for (index, kata) in katas.iter().copied().enumerate() {
        let (stub, stub_from) = course_stub(repo, kata, &rev)?;
        let mut check = KataCheck {
            kata,
            stub_from,
            stub: None,
            solution: None,
            wrongs: Vec::new(),
            rights: Vec::new(),
            proofs: None,
            starter_passes: Vec::new(),
            mutants: None,
            problems: Vec::new(),
        };
        if let Some(name) = kata
            .meta
            .allow_in_src
            .iter()
            .find(|n| !crate::checks::suspicious::is_pattern(n))
        {
            let names: Vec<&str> = crate::checks::suspicious::PATTERNS
                .iter()
                .map(|p| p.name)
                .collect();
            check.problems.push(format!(
                "kata.toml's allow_in_src names `{name}`, which is not one of: {}",
                names.join(", ")
            ));
        }
        if kata.meta.learned.trim().is_empty() || kata.meta.common_mistakes.is_empty() {
            check.problems.push(
                "kata.toml has no `learned` note or no `common_mistakes`: `solution` shows them \
                 to a learner who passed the kata"
                    .into(),
            );
        }
        subjects.push(stub);
        roles.push((index, Role::Stub));
        let dir = kata.solution_dir(solutions_root);
        let solution = dir.join("src").join("lib.rs");
        if solution.is_file() {
            subjects.push(Subject::file(kata, Variant::Solution, solution));
            roles.push((index, Role::Solution));
        } else {
            check.problems.push(format!(
                "no reference solution: {} is missing",
                solution.display()
            ));
        }
        let wrong = solutions::solution_files(&dir.join("wrong"), "Wrong:")?;
        if wrong.is_empty() {
            check
                .problems
                .push("no known-wrong solutions in its wrong/ folder".into());
        }
        let right = solutions::solution_files(&dir.join("right"), "Right:")?;
        let variants = wrong.iter().enumerate().map(|(i, w)| (w, Role::Wrong(i)));
        let variants = variants.chain(right.iter().enumerate().map(|(i, r)| (r, Role::Right(i))));
        for (file, role) in variants {
            let (variant, folder, header) = match role {
                Role::Wrong(_) => (
                    Variant::Wrong(file.name.clone()),
                    "wrong",
                    "Wrong: <what is wrong>",
                ),
                _ => (
                    Variant::Right(file.name.clone()),
                    "right",
                    "Right: <the style it is written in>",
                ),
            };
            subjects.push(Subject::file(kata, variant, file.path.clone()));
            roles.push((index, role));
            if file.what.is_none() {
                check.problems.push(format!(
                    "{folder}/{}.rs does not start with `//! {header}`",
                    file.name
                ));
            }
        }
        files.push((wrong, right));
        checks.push(check);
    }
    // Authors change grading files on purpose: no integrity check here.
    // Verify is the proof that every kata is sound, so every test runs.
    let options = RunOptions {
        use_cache: false,
        ..options.clone()
    };
    let results = if discard_builds {
        // A few katas at a time, each batch's known-wrong and other-style
        // builds deleted before the next is built: the disk holds one batch
        // of them at most (about 5 MB per test binary, ~270 binaries in all).
        let mut results = Vec::new();
        let planned: Vec<(Subject, Role)> = subjects
            .iter()
            .cloned()
            .zip(roles.iter().map(|(_, role)| *role))
            .collect();
        for batch in planned
            .chunk_by(|a, b| a.0.kata.id == b.0.kata.id)
            .collect::<Vec<_>>()
            .chunks(DISCARD_BATCH)
        {
            let batch: Vec<&(Subject, Role)> = batch.iter().flat_map(|kata| kata.iter()).collect();
            let graded: Vec<Subject> = batch.iter().map(|(s, _)| s.clone()).collect();
            results.extend(pipeline::grade_all(repo, &graded, &options, progress)?);
            for (subject, role) in batch {
                if matches!(role, Role::Wrong(_) | Role::Right(_)) {
                    pipeline::overlay::discard(repo, subject);
                }
            }
        }
        results
    } else {
        pipeline::grade_all(repo, &subjects, &options, progress)?
    };
    progress.finish();
    crate::profile::note(|| slowest_tests(&subjects, &results));

    let mut by_kata: Vec<Graded> = katas.iter().map(|_| Graded::default()).collect();
    for ((index, role), result) in roles.into_iter().zip(results) {
        let graded = &mut by_kata[index];
        match role {
            Role::Stub => graded.stub = Some(result),
            Role::Solution => graded.solution = Some(result),
            Role::Wrong(i) => graded.wrongs.push((i, result)),
            Role::Right(i) => graded.rights.push((i, result)),
        }
    }
    for ((check, graded), (wrong, right)) in checks.iter_mut().zip(&by_kata).zip(&files) {
        judge(check, graded, wrong, right);
    }
    if verify_options.mutants {
        mutation_test(repo, &mut checks, solutions_root, discard_builds)?;
    }
    Ok(checks)
}

/// The stub to grade for `kata`: git's, written under `.grader/stubs/`
/// (rewritten only when it changes, so its build is kept), or the working
/// file when git does not have it (a kata not committed yet, no git).
fn course_stub<'a>(repo: &Repo, kata: &'a Kata, rev: &str) -> Result<(Subject<'a>, String)> {
    let relative = crate::checks::stub::lib_path(kata);
    let from_git = crate::checks::git::run(&repo.root, &["show", &format!("{rev}:{relative}")])
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(stub) = from_git else {
        return Ok((
            Subject::working(kata),
            "the working tree (not in git yet)".into(),
        ));
    };
    let path = repo
        .root
        .join(".grader")
        .join("stubs")
        .join(&kata.id)
        .join("lib.rs");
    crate::pipeline::overlay::write_if_changed(&path, &stub)?;
    Ok((
        Subject::file(kata, Variant::Stub, path),
        format!("git ({rev})"),
    ))
}

/// `--mutants`: cargo-mutants on each kata's reference solution, one kata
/// at a time (it edits the scratch copy in place, one mutant at a time, so
/// every mutant reuses one build of the dependencies).
fn mutation_test(
    repo: &Repo,
    checks: &mut [KataCheck],
    solutions_root: &Path,
    discard_builds: bool,
) -> Result<()> {
    let _lock = pipeline::run_lock::acquire(repo)?;
    let places = mutants::Places::new(repo);
    let started = std::time::Instant::now();
    eprintln!(
        "Mutation testing {} with cargo-mutants, one mutant at a time…",
        match checks.len() {
            1 => "1 reference solution".to_string(),
            n => format!("{n} reference solutions"),
        }
    );
    for check in checks.iter_mut() {
        let solution = check
            .kata
            .solution_dir(solutions_root)
            .join("src")
            .join("lib.rs");
        if !solution.is_file() {
            continue; // already a problem
        }
        // A tests kata's reference solution is a test file, and its
        // mutants are the course's own (`mutants/`), graded on every run.
        if check.kata.is_tests_kata() {
            eprintln!(
                "  {:<26} a tests kata: its mutants are in katas/{}/mutants, graded by every run",
                check.kata.id, check.kata.id
            );
            continue;
        }
        if check.solution != Some(KataStatus::Passed) {
            check.problems.push(
                "mutation testing skipped: the reference solution must pass its tests first".into(),
            );
            continue;
        }
        eprint!("  {:<26} ", check.kata.id);
        let (found, problems) = mutants::run_kata(repo, &places, check.kata, &solution)?;
        match &found {
            Some(found) => eprintln!(
                "{} in {}s: {} missed",
                match found.score.generated {
                    1 => "1 mutant".to_string(),
                    n => format!("{n} mutants"),
                },
                found.seconds,
                found.score.missed
            ),
            None => eprintln!("not tested (see below)"),
        }
        check.mutants = found;
        check.problems.extend(problems);
    }
    eprintln!("Mutation testing took {}s.", started.elapsed().as_secs());
    if discard_builds {
        places.discard();
    }
    Ok(())
}

/// For `GRADER_PROFILE=1`: the tests that took the most real time, with the
/// variant they ran against (a known-wrong solution stopped at its time
/// limit costs that whole limit, and is usually why verify is slow).
fn slowest_tests(subjects: &[Subject], results: &[KataResult]) -> String {
    let mut tests: Vec<(u64, String)> = subjects
        .iter()
        .zip(results)
        .flat_map(|(subject, result)| {
            result.tests.iter().map(move |test| {
                (
                    test.duration_ms,
                    format!("{} {} {}", subject.kata.id, subject.variant, test.name),
                )
            })
        })
        .collect();
    tests.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: u64 = tests.iter().map(|(ms, _)| ms).sum();
    let timed_out: Vec<u64> = subjects
        .iter()
        .zip(results)
        .flat_map(|(_, result)| &result.tests)
        .filter(|test| test.status == crate::verdict::TestStatus::TimedOut)
        .map(|test| test.duration_ms)
        .collect();
    let mut text = format!(
        "test time in all: {total} ms, of which {} ms in {} tests stopped at their time limit; the slowest tests:",
        timed_out.iter().sum::<u64>(),
        timed_out.len()
    );
    for (ms, what) in tests.iter().take(15) {
        text.push_str(&format!("\n[profile]   {ms:>6} ms  {what}"));
    }
    let mut per_kata: Vec<(u64, &str)> = Vec::new();
    for (subject, result) in subjects.iter().zip(results) {
        let ms: u64 = result.tests.iter().map(|t| t.duration_ms).sum();
        match per_kata.iter_mut().find(|(_, id)| *id == subject.kata.id) {
            Some((total, _)) => *total += ms,
            None => per_kata.push((ms, &subject.kata.id)),
        }
    }
    per_kata.sort_by_key(|k| std::cmp::Reverse(k.0));
    text.push_str("\n[profile] test time per kata:");
    for (ms, id) in per_kata {
        text.push_str(&format!("\n[profile]   {ms:>6} ms  {id}"));
    }
    text
}
