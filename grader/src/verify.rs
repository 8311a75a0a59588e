//! `verify`: the instructor's proof that every kata is sound.
//!
//! A kata is only worth grading if its tests tell right from wrong. For
//! every kata this checks that the stub does not pass, the reference
//! solution does, and every known-wrong solution in `solutions/NN/wrong/`
//! does not, caught by the very test its header names. All variants are
//! built in one cargo invocation (through the overlay workspace) and run in
//! parallel, like an ordinary grading run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::discover::{Kata, Repo};
use crate::pipeline::{self, KataResult, KataStatus, RunOptions, Subject, TestStatus};
use crate::ui::{Progress, BOLD, GREEN, RED};

/// A known-wrong solution and what its header says about it.
#[derive(Debug, Clone)]
pub struct WrongSolution {
    pub path: PathBuf,
    pub name: String,
    pub what: Option<String>,
    pub caught_by: Option<String>,
}

/// Reads `solutions/NN-slug/wrong/*.rs`, sorted by name.
pub fn wrong_solutions(dir: &Path) -> Result<Vec<WrongSolution>> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(found);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let header = |key: &str| {
                text.lines()
                    .take_while(|l| l.starts_with("//"))
                    .find_map(|l| {
                        l.trim_start_matches('/')
                            .trim_start_matches('!')
                            .trim()
                            .strip_prefix(key)
                            .map(|v| v.trim().to_string())
                    })
            };
            found.push(WrongSolution {
                name: path.file_stem().unwrap().to_string_lossy().to_string(),
                what: header("Wrong:"),
                caught_by: header("Caught by:"),
                path,
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Katas per build with `--discard-builds`: enough to keep both cores busy.
const DISCARD_BATCH: usize = 6;

/// One kata's verdicts, with a line for every problem found.
struct KataCheck<'a> {
    kata: &'a Kata,
    stub: Option<KataStatus>,
    solution: Option<KataStatus>,
    wrong_total: usize,
    wrong_caught: usize,
    problems: Vec<String>,
}

pub fn verify(
    repo: &Repo,
    katas: &[&Kata],
    solutions_root: &Path,
    options: &RunOptions,
    discard_builds: bool,
    progress: &Progress,
) -> Result<(String, bool)> {
    let mut subjects = Vec::new();
    let mut wrongs = Vec::new();
    let mut checks: Vec<KataCheck> = Vec::new();
    for kata in katas.iter().copied() {
        let mut check = KataCheck {
            kata,
            stub: None,
            solution: None,
            wrong_total: 0,
            wrong_caught: 0,
            problems: Vec::new(),
        };
        subjects.push(Subject::working(kata));
        let solution = kata.solution_dir(solutions_root).join("src").join("lib.rs");
        if solution.is_file() {
            subjects.push(Subject::file(kata, "solution", solution));
        } else {
            check.problems.push(format!(
                "no reference solution: {} is missing",
                solution.display()
            ));
        }
        let wrong = wrong_solutions(&kata.solution_dir(solutions_root).join("wrong"))?;
        if wrong.is_empty() {
            check
                .problems
                .push("no known-wrong solutions in its wrong/ folder".into());
        }
        for w in &wrong {
            subjects.push(Subject::file(
                kata,
                &format!("wrong-{}", w.name),
                w.path.clone(),
            ));
            if w.what.is_none() {
                check.problems.push(format!(
                    "wrong/{}.rs does not start with `//! Wrong: <what is wrong>`",
                    w.name
                ));
            }
        }
        check.wrong_total = wrong.len();
        wrongs.push(wrong);
        checks.push(check);
    }
    // Authors change grading files on purpose: no integrity check here.
    // Verify is the proof that every kata is sound, so every test runs.
    let options = RunOptions {
        check_edits: false,
        use_cache: false,
        ..options.clone()
    };
    let results = if discard_builds {
        // A few katas at a time, each batch's known-wrong builds deleted
        // before the next is built: the disk holds one batch of them at
        // most (about 5 MB per test binary, ~270 binaries in all).
        let mut results = Vec::new();
        for batch in subjects
            .chunk_by(|a, b| a.kata.id == b.kata.id)
            .collect::<Vec<_>>()
            .chunks(DISCARD_BATCH)
        {
            let batch: Vec<Subject> = batch.iter().flat_map(|kata| kata.iter().cloned()).collect();
            results.extend(pipeline::grade_all(repo, &batch, &options, progress)?);
            for subject in batch.iter().filter(|s| s.variant.starts_with("wrong-")) {
                pipeline::overlay::discard(repo, subject);
            }
        }
        results
    } else {
        pipeline::grade_all(repo, &subjects, &options, progress)?
    };
    progress.finish();

    for (subject, result) in subjects.iter().zip(&results) {
        // Katas were checked in order, so a kata's index is its check's.
        let index = katas.iter().position(|k| k.id == subject.kata.id).unwrap();
        let check = &mut checks[index];
        match subject.variant.as_str() {
            "working" => {
                check.stub = Some(result.status);
                if result.status == KataStatus::Passed {
                    check.problems.push(format!(
                        "the stub in katas/{}/src/lib.rs passes: the tests do not check the kata (or the stub is already solved)",
                        check.kata.id
                    ));
                }
            }
            "solution" => {
                check.solution = Some(result.status);
                if result.status != KataStatus::Passed {
                    check.problems.push(format!(
                        "the reference solution is {}: {}",
                        status_word(result.status),
                        first_failure(result)
                    ));
                }
            }
            variant => {
                let wrong = wrongs[index]
                    .iter()
                    .find(|w| format!("wrong-{}", w.name) == variant)
                    .expect("every wrong variant was planned from this list");
                match wrong_verdict(wrong, result) {
                    Ok(()) => check.wrong_caught += 1,
                    Err(problem) => check.problems.push(problem),
                }
            }
        }
    }
    Ok(render(&checks))
}

/// A wrong solution must not pass, and the test its header names must fail.
fn wrong_verdict(wrong: &WrongSolution, result: &KataResult) -> Result<(), String> {
    if result.status == KataStatus::Passed {
        return Err(format!(
            "wrong/{}.rs PASSES, so the tests miss this mistake: {}",
            wrong.name,
            wrong.what.as_deref().unwrap_or("?")
        ));
    }
    let Some(caught_by) = &wrong.caught_by else {
        return Ok(());
    };
    let test = result
        .tests
        .iter()
        .find(|t| t.name == *caught_by || t.name.ends_with(&format!("::{caught_by}")));
    match test {
        None => Err(format!(
            "wrong/{}.rs names `{caught_by}` as the test that catches it, but no such test ran ({})",
            wrong.name,
            status_word(result.status)
        )),
        Some(t) if t.status == TestStatus::Passed => Err(format!(
            "wrong/{}.rs is not caught by `{caught_by}`, which passes (the kata failed elsewhere: {})",
            wrong.name,
            first_failure(result)
        )),
        Some(_) => Ok(()),
    }
}

fn first_failure(result: &KataResult) -> String {
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

fn status_word(status: KataStatus) -> &'static str {
    match status {
        KataStatus::Passed => "passed",
        KataStatus::Failed => "failed",
        KataStatus::NotStarted => "not_started",
        KataStatus::CompileError => "compile_error",
        KataStatus::TimedOut => "timed_out",
        KataStatus::Tampered => "tampered",
    }
}

fn render(checks: &[KataCheck]) -> (String, bool) {
    let mut out = String::new();
    let _ = writeln!(out, "{BOLD}Instructor check: every stub fails, every solution passes, every known-wrong solution fails{BOLD:#}\n");
    let _ = writeln!(
        out,
        "  {:<26} {:<16} {:<16} {:<14} ok",
        "kata", "stub", "solution", "wrong caught"
    );
    let mut all_ok = true;
    for check in checks {
        let ok = check.problems.is_empty();
        all_ok &= ok;
        let (mark, style) = if ok { ("✓", GREEN) } else { ("✗", RED) };
        let _ = writeln!(
            out,
            "  {:<26} {:<16} {:<16} {:<14} {style}{mark}{style:#}",
            check.kata.id,
            check.stub.map(status_word).unwrap_or("-"),
            check.solution.map(status_word).unwrap_or("-"),
            format!("{}/{}", check.wrong_caught, check.wrong_total),
        );
    }
    let sound = checks.iter().filter(|c| c.problems.is_empty()).count();
    let wrong_total: usize = checks.iter().map(|c| c.wrong_total).sum();
    let wrong_caught: usize = checks.iter().map(|c| c.wrong_caught).sum();
    let _ = writeln!(
        out,
        "\n{sound}/{} katas sound, {wrong_caught}/{wrong_total} known-wrong solutions caught",
        checks.len()
    );
    for check in checks.iter().filter(|c| !c.problems.is_empty()) {
        let _ = writeln!(out, "\n{RED}{}{RED:#}", check.kata.id);
        for problem in &check.problems {
            let _ = writeln!(out, "  - {problem}");
        }
    }
    (out, all_ok)
}
