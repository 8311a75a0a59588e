//! The default command, the one a learner runs most: grade the katas named
//! (or all), record progress, and report, on stdout and in every
//! `--report` file, from the one run.

use std::path::Path;

use anyhow::Result;

use super::select;
use crate::app::absolute;
use crate::checks::integrity;
use crate::checks::trusted::{self, Trusted};
use crate::cli::{Format, Grade};
use crate::course::assignments::{self, Assignment};
use crate::course::discover::{self, Kata, Repo};
use crate::learner::{self, state::State};
use crate::pipeline::plan::Variant;
use crate::pipeline::{self, RunOptions, Subject};
use crate::report::human::Guide;
use crate::report::{self, publish};
use crate::ui::{self, Progress};
use crate::verdict::{KataResult, KataStatus};

pub fn run(root: &Path, args: &Grade) -> Result<i32> {
    // `--trusted-ref`: grade a scratch copy of REF that holds only the
    // working tree's katas/*/src/ (see checks/trusted.rs).
    let unpack = crate::profile::step("unpack");
    let trusted = args
        .trusted_ref
        .as_deref()
        .map(|r| trusted::prepare(root, r))
        .transpose()?;
    drop(unpack);
    let discovered = crate::profile::step("discover");
    let mut repo = discover::discover(trusted.as_ref().map_or(root, |t| &t.root))?;
    drop(discovered);
    if let Some(trusted) = &trusted {
        repo.target_dir = trusted.target_dir.clone();
    }
    // Which katas are required: read from the course that is graded, so
    // under --trusted-ref from REF's copy, never the student's file (they
    // could require nothing). Checked before anything is built.
    let origin = match &trusted {
        Some(t) => format!("{} at the trusted ref {}", assignments::FILE, t.describe()),
        None => assignments::path_of(&repo),
    };
    let assignment = assignments::for_run(&repo, args.assignment.as_deref(), &origin)?;
    let options = RunOptions {
        jobs: super::jobs_or_cpus(args.run.jobs),
        use_cache: !args.run.no_cache,
        // Trusted builds and verdicts are kept for the next grading: what
        // runs here must not be able to change them (pipeline/seal.rs).
        sealed: trusted.is_some(),
    };
    let solutions_root = match &args.solutions_dir {
        Some(dir) => absolute(dir.clone())?,
        None => root.join("solutions"),
    };
    let use_solutions = args.solutions || args.solutions_dir.is_some();
    // Progress is about the learner's own code, never the solutions or a
    // pull request graded against a trusted ref.
    let learner = !use_solutions && trusted.is_none();
    // Katas that cannot be graded (a malformed kata.toml, no tests, no
    // solution to grade) are reported as failed with the reason; the rest
    // are graded as usual.
    let (problems, katas) = select(&repo, &args.katas)?;
    let (subjects, mut ungradable) =
        subjects(&katas, use_solutions.then_some(solutions_root.as_path()));
    let progress = Progress::new(ui::progress_wanted());
    let mut results = match subjects.is_empty() {
        true => Vec::new(),
        false => pipeline::grade_all(&repo, &subjects, &options, &progress)?,
    };
    progress.finish();
    if !integrity::mark_edited(&repo, &subjects, &mut results) && args.format == Format::Human {
        anstream::eprintln!("note: {}", integrity::NO_GIT_NOTE);
    }
    if learner {
        learner::progress::refine(&repo, &mut results);
    }
    ungradable.extend(
        problems
            .iter()
            .map(|p| KataResult::ungradable(&p.id, p.number, p.meta.as_ref(), p.message.clone())),
    );
    if !ungradable.is_empty() {
        results.extend(ungradable);
        results.sort_by_key(|r| r.number);
    }
    if let Some(trusted) = &trusted {
        trusted.apply(&mut results);
    }
    let state = learner.then(|| record_progress(&repo, &results));
    let mut guide = guide(&repo, &katas, state.as_ref());
    guide.trusted_ref = args.trusted_ref.clone();
    let title = match &trusted {
        Some(trusted) => format!("Tokio Katas · graded against {}", trusted.describe()),
        None if use_solutions => format!(
            "Tokio Katas · reference solutions from {}",
            solutions_root.display()
        ),
        None => "Tokio Katas".to_string(),
    };
    report_all(
        args,
        &repo,
        &katas,
        &results,
        &title,
        trusted.as_ref(),
        state.as_ref(),
        &guide,
        assignment.as_ref(),
    )?;
    Ok(report::exit_code(
        &results,
        assignment.as_ref(),
        !args.katas.is_empty(),
    ))
}

/// The report on stdout, then every `--report` file and CI's extras.
#[allow(clippy::too_many_arguments)]
fn report_all(
    args: &Grade,
    repo: &Repo,
    katas: &[&Kata],
    results: &[KataResult],
    title: &str,
    trusted: Option<&Trusted>,
    state: Option<&State>,
    guide: &Guide,
    assignment: Option<&Assignment>,
) -> Result<()> {
    let run = publish::Run {
        katas,
        results,
        named: !args.katas.is_empty(),
        title,
        warnings: trusted.map(|t| t.warnings.as_slice()).unwrap_or_default(),
        guide,
        assignment,
    };
    let quiet = report::github::StopCommands::begin(
        report::github::in_actions() && args.format == Format::Human,
    );
    let mut text = publish::render(args.format, &run);
    match args.format {
        Format::Human => {
            // When some katas were graded, how the whole course stands.
            if let Some(state) = state.filter(|_| katas.len() < repo.katas.len()) {
                let passed = state.passed_among(repo.katas.iter().map(|k| k.id.as_str()));
                let style = ui::BOLD;
                text.push_str(&format!(
                    "\n{style}Overall: {passed}/{} katas passed{style:#} (`cargo run -p grader -- list` shows them all)\n",
                    repo.katas.len()
                ));
            }
        }
        _ => text.push('\n'),
    }
    ui::print(&text)?;
    drop(quiet);
    publish::finish(&args.reports, args.format, &run)
}

/// Saves the learner's progress (not when Ctrl-C cut the run short: those
/// results are not progress), and returns it.
fn record_progress(repo: &Repo, results: &[KataResult]) -> State {
    let mut state = super::load_state(repo);
    state.record(results);
    if !crate::app::interrupted()
        && let Err(e) = state.save(&repo.root)
    {
        anstream::eprintln!("note: your progress could not be saved: {e:#}");
    }
    state
}

/// What the human report may point the learner to.
fn guide(repo: &Repo, katas: &[&Kata], state: Option<&State>) -> Guide {
    let Some(state) = state else {
        return Guide::default();
    };
    // After one named kata, the next one after it; otherwise the first
    // kata of the course not passed yet.
    let after = match katas {
        [only] if state.kata(&only.id).status == Some(KataStatus::Passed) => Some(only.id.as_str()),
        _ => None,
    };
    Guide {
        learner: true,
        watching: false,
        hints_seen: state
            .katas
            .iter()
            .map(|(id, progress)| (id.clone(), progress.hints_shown))
            .collect(),
        next: learner::next::next_kata(&repo.katas, state, after)
            .map(|k| (k.id.clone(), k.meta.title.clone())),
        trusted_ref: None,
    }
}

/// What to grade for each kata, and a failed result for each kata whose
/// solution is missing from the solutions folder.
fn subjects<'a>(
    katas: &[&'a Kata],
    solutions: Option<&Path>,
) -> (Vec<Subject<'a>>, Vec<KataResult>) {
    let mut subjects = Vec::new();
    let mut missing = Vec::new();
    for kata in katas {
        match solutions {
            None => subjects.push(Subject::working(kata)),
            Some(root) => {
                let lib = kata.solution_dir(root).join("src").join("lib.rs");
                if lib.is_file() {
                    subjects.push(Subject::file(kata, Variant::Solution, lib));
                } else {
                    missing.push(KataResult::ungradable(
                        &kata.id,
                        kata.number,
                        Some(&kata.meta),
                        format!(
                            "there is no solution for {} to grade: {} does not exist",
                            kata.id,
                            lib.display()
                        ),
                    ));
                }
            }
        }
    }
    (subjects, missing)
}
