//! What each command does with its arguments: find the repository, read the
//! course, hand the work to the module that owns it, and print the result.
//!
//! The default command (grade) is the one a learner runs most: grade the
//! katas named (or all), record progress, and report, on stdout and in every
//! `--report` file, from the one run.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::app::{absolute, UsageError};
use crate::checks::integrity;
use crate::checks::trusted::{self, Trusted};
use crate::cli::{Cli, Command, Format};
use crate::course::discover::{self, Kata, Repo};
use crate::pipeline::plan::Variant;
use crate::pipeline::{self, RunOptions, Subject};
use crate::report::{self, publish};
use crate::ui::{self, Progress};
use crate::verdict::KataResult;
use crate::{dev, learner};

/// Runs the command line; the exit status on success.
pub fn run(cli: Cli) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let root = discover::find_root(&cwd)?;
    // `--trusted-ref`: grade a scratch copy of REF that holds only the
    // working tree's katas/*/src/ (see checks/trusted.rs).
    if cli.common.trusted_ref.is_some() && cli.command.is_some() {
        return Err(UsageError(
            "--trusted-ref grades the katas; it does not go with a subcommand".into(),
        )
        .into());
    }
    let trusted = cli
        .common
        .trusted_ref
        .as_deref()
        .map(|r| trusted::prepare(&root, r))
        .transpose()?;
    let discovered = crate::profile::step("discover");
    let mut repo = discover::discover(trusted.as_ref().map_or(&root, |t| &t.root))?;
    drop(discovered);
    if let Some(trusted) = &trusted {
        repo.target_dir = trusted.target_dir.clone();
    }
    let options = RunOptions {
        jobs: cli
            .common
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        use_cache: !cli.common.no_cache,
    };
    let solutions_root = cli
        .common
        .solutions_dir
        .clone()
        .map(absolute)
        .transpose()?
        .unwrap_or_else(|| root.join("solutions"));

    match &cli.command {
        Some(Command::Verify {
            katas,
            discard_builds,
            mutants,
        }) => {
            let what = dev::verify::Options {
                discard_builds: *discard_builds,
                mutants: *mutants,
            };
            verify(&cli, &repo, katas, &solutions_root, &options, &what)
        }
        Some(Command::Watch { kata }) => learner::watch::run(repo, kata.clone(), options),
        Some(Command::Hint { kata, all }) => {
            let kata = discover::find_kata(&repo.katas, kata)?;
            anstream::print!("{}", learner::hint::run(&repo.root, kata, *all)?);
            Ok(0)
        }
        Some(Command::Bench { runs, kata, cold }) => {
            let options = dev::bench::Options {
                runs: *runs,
                kata: kata.clone(),
                cold: *cold,
            };
            dev::bench::run(&repo, &options)
        }
        Some(Command::List) => {
            let (state, notice) = learner::state::State::load(&repo.root);
            if let Some(notice) = notice {
                anstream::eprintln!("note: {notice}");
            }
            anstream::print!("{}", learner::list::render(&repo.katas, &state));
            Ok(0)
        }
        Some(Command::New { slug }) => {
            anstream::print!("{}", dev::scaffold::new_kata(&root, slug)?);
            Ok(0)
        }
        Some(Command::Reset { kata, yes }) => {
            let kata = discover::find_kata(&repo.katas, kata)?;
            anstream::print!("{}", learner::reset::run(&repo.root, kata, *yes)?);
            Ok(0)
        }
        None => grade(&cli, &repo, trusted.as_ref(), &solutions_root, &options),
    }
}

/// The katas `names` select, and those that cannot be graded at all (a
/// malformed kata.toml, no tests), each with the reason.
fn select<'r>(
    repo: &'r Repo,
    names: &[String],
) -> Result<(Vec<&'r discover::Problem>, Vec<&'r Kata>)> {
    let (problems, found) = discover::select_problems(repo, names);
    let katas = match found.is_empty() && !names.is_empty() {
        true => Vec::new(),
        false => discover::select(&repo.katas, &found)?,
    };
    Ok((problems, katas))
}

/// `verify`: the instructor's proof that every kata is sound.
fn verify(
    cli: &Cli,
    repo: &Repo,
    names: &[String],
    solutions_root: &Path,
    options: &RunOptions,
    what: &dev::verify::Options,
) -> Result<i32> {
    if matches!(cli.common.format, Format::Junit | Format::Classroom) {
        return Err(UsageError(
            "verify reports as a table (the default) or as JSON (`--format json`)".into(),
        )
        .into());
    }
    if !cli.common.reports.is_empty() {
        return Err(UsageError(
            "--report goes with grading, not verify: redirect `verify --format json` \
             to a file instead"
                .into(),
        )
        .into());
    }
    let progress = Progress::new(ui::progress_wanted());
    let (problems, katas) = select(repo, names)?;
    let checks = dev::verify::verify(repo, &katas, solutions_root, options, what, &progress)?;
    let ok = dev::verify::render::all_sound(&checks) && problems.is_empty();
    match cli.common.format {
        Format::Json => println!("{}", dev::verify::render::json(&checks)),
        _ => anstream::print!("{}", dev::verify::render::human(&checks, !names.is_empty())),
    }
    for problem in &problems {
        let style = ui::RED;
        let text = format!(
            "\n{style}{}{style:#} cannot be checked\n  - {}",
            problem.id, problem.message
        );
        // stdout holds the JSON document alone.
        match cli.common.format {
            Format::Json => anstream::eprintln!("{text}"),
            _ => anstream::println!("{text}"),
        }
    }
    Ok(if ok { 0 } else { 1 })
}

/// The default command: grade, record the learner's progress, report.
fn grade(
    cli: &Cli,
    repo: &Repo,
    trusted: Option<&Trusted>,
    solutions_root: &Path,
    options: &RunOptions,
) -> Result<i32> {
    // Katas that cannot be graded (a malformed kata.toml, no tests, no
    // solution to grade) are reported as failed with the reason; the rest
    // are graded as usual.
    let (problems, katas) = select(repo, &cli.katas)?;
    let use_solutions = cli.common.solutions || cli.common.solutions_dir.is_some();
    let (subjects, mut ungradable) = subjects(&katas, use_solutions.then_some(solutions_root));
    let progress = Progress::new(ui::progress_wanted());
    let mut results = match subjects.is_empty() {
        true => Vec::new(),
        false => pipeline::grade_all(repo, &subjects, options, &progress)?,
    };
    integrity::mark_edited(repo, &subjects, &mut results);
    progress.finish();
    ungradable.extend(
        problems
            .iter()
            .map(|p| KataResult::ungradable(&p.id, p.number, p.meta.as_ref(), p.message.clone())),
    );
    if !ungradable.is_empty() {
        results.extend(ungradable);
        results.sort_by_key(|r| r.number);
    }
    if let Some(trusted) = trusted {
        trusted.apply(&mut results);
    }
    // Progress is about the learner's own code, never the solutions.
    let overall = match use_solutions || trusted.is_some() {
        true => None,
        false => record_progress(repo, &katas, &results),
    };
    let title = match trusted {
        Some(trusted) => format!("Tokio Katas · graded against {}", trusted.describe()),
        None if use_solutions => format!(
            "Tokio Katas · reference solutions from {}",
            solutions_root.display()
        ),
        None => "Tokio Katas".to_string(),
    };
    let run = publish::Run {
        katas: &katas,
        results: &results,
        named: !cli.katas.is_empty(),
        title: &title,
        warnings: trusted.map(|t| t.warnings.as_slice()).unwrap_or_default(),
    };
    let format = cli.common.format;
    let quiet = report::github::StopCommands::begin(
        report::github::in_actions() && format == Format::Human,
    );
    let text = publish::render(format, &run);
    match format {
        Format::Human => {
            anstream::print!("{text}");
            if let Some(passed) = overall {
                let style = ui::BOLD;
                anstream::println!("\n{style}Overall: {passed}/{} katas passed{style:#} (`cargo run -p grader -- list` shows them all)", repo.katas.len());
            }
        }
        _ => println!("{text}"),
    }
    drop(quiet);
    publish::finish(&cli.common.reports, format, &run)?;
    Ok(report::exit_code(&results))
}

/// Saves the learner's progress; when only some katas were graded, how many
/// of the whole course are passed.
fn record_progress(repo: &Repo, katas: &[&Kata], results: &[KataResult]) -> Option<usize> {
    let (mut state, notice) = learner::state::State::load(&repo.root);
    if let Some(notice) = notice {
        anstream::eprintln!("note: {notice}");
    }
    state.record(results);
    if crate::app::interrupted() {
        // Results cut short by Ctrl-C are not progress.
    } else if let Err(e) = state.save(&repo.root) {
        anstream::eprintln!("note: your progress could not be saved: {e:#}");
    }
    (katas.len() < repo.katas.len())
        .then(|| state.passed_among(repo.katas.iter().map(|k| k.id.as_str())))
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
                let lib: PathBuf = kata.solution_dir(root).join("src").join("lib.rs");
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
