//! The Tokio Katas grader.
//!
//! `cargo run -p grader` builds every kata's grading tests, runs them, and
//! explains each failure in words a learner can act on. The work is a
//! pipeline (see `pipeline/`): discover the katas, build their tests in one
//! cargo invocation, list and run the tests under a wall-clock limit
//! (together when they all pass, each in its own process when anything does
//! not), grade the outcomes, and report them.

mod bench;
mod cli;
mod discover;
mod git;
mod guard;
mod integrity;
mod kata_file;
mod learner;
mod metadata_cache;
mod pipeline;
mod profile;
mod publish;
mod report;
mod scaffold;
mod state;
mod trusted;
mod ui;
mod verify;

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::Result;
use clap::Parser;

use cli::{Cli, Command, Format};
use pipeline::{RunOptions, Subject};
use ui::Progress;

/// An error the user can fix by changing what they typed or where they ran
/// it. Exits with status 2, like a usage error.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The grader's one tokio runtime: it supervises child processes, which is
/// waiting on I/O and timers, so two worker threads are plenty.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("cannot start the grader's runtime")
    })
}

fn main() {
    let cli = Cli::parse();
    pipeline::reaper::become_subreaper();
    install_interrupt_handler();
    let outcome = run(cli);
    // An interrupt ends the process from its handler, with 130 or 143; what
    // the main thread made of the processes it killed is beside the point.
    while pipeline::process::interrupted() {
        std::thread::park();
    }
    let code = match outcome {
        Ok(code) => code,
        Err(error) => {
            let style = ui::RED;
            anstream::eprintln!("{style}error:{style:#} {error:#}");
            2
        }
    };
    let _ = std::io::stdout().flush();
    bench::record_peak_rss();
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let root = discover::find_root(&cwd)?;
    // `--trusted-ref`: grade a scratch copy of REF that holds only the
    // working tree's katas/*/src/ (see trusted.rs).
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
    let discovered = profile::step("discover");
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
        check_edits: true,
        use_cache: !cli.common.no_cache,
    };
    let solutions_root = cli
        .common
        .solutions_dir
        .clone()
        .map(absolute)
        .transpose()?
        .unwrap_or_else(|| root.join("solutions"));

    match cli.command {
        Some(Command::Verify {
            katas,
            discard_builds,
            mutants,
        }) => {
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
            let named = !katas.is_empty();
            let (problems, names) = discover::select_problems(&repo, &katas);
            let katas = match names.is_empty() && !katas.is_empty() {
                true => Vec::new(),
                false => discover::select(&repo.katas, &names)?,
            };
            let checks = verify::verify(
                &repo,
                &katas,
                &solutions_root,
                &options,
                &verify::Options {
                    discard_builds,
                    mutants,
                },
                &progress,
            )?;
            let ok = verify::render::all_sound(&checks) && problems.is_empty();
            match cli.common.format {
                Format::Json => println!("{}", verify::render::json(&checks)),
                _ => anstream::print!("{}", verify::render::human(&checks, named)),
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
            return Ok(if ok { 0 } else { 1 });
        }
        Some(Command::Watch { kata }) => {
            return learner::watch::run(repo, kata, options);
        }
        Some(Command::Hint { kata, all }) => {
            let kata = discover::find_kata(&repo.katas, &kata)?;
            anstream::print!("{}", learner::hint::run(&repo.root, kata, all)?);
            return Ok(0);
        }
        Some(Command::Bench { runs, kata, cold }) => {
            return bench::run(&repo, &bench::Options { runs, kata, cold });
        }
        Some(Command::List) => {
            let (state, notice) = state::State::load(&repo.root);
            if let Some(notice) = notice {
                anstream::eprintln!("note: {notice}");
            }
            anstream::print!("{}", learner::list::render(&repo.katas, &state));
            return Ok(0);
        }
        Some(Command::New { slug }) => {
            anstream::print!("{}", scaffold::new_kata(&root, &slug)?);
            return Ok(0);
        }
        Some(Command::Reset { kata, yes }) => {
            let kata = discover::find_kata(&repo.katas, &kata)?;
            anstream::print!("{}", learner::reset::run(&repo.root, kata, yes)?);
            return Ok(0);
        }
        None => {}
    }

    // Katas that cannot be graded (a malformed kata.toml, no tests, no
    // solution to grade) are reported as failed with the reason; the rest
    // are graded as usual.
    let (problems, names) = discover::select_problems(&repo, &cli.katas);
    let katas = match names.is_empty() && !cli.katas.is_empty() {
        true => Vec::new(),
        false => discover::select(&repo.katas, &names)?,
    };
    let use_solutions = cli.common.solutions || cli.common.solutions_dir.is_some();
    let (subjects, mut ungradable) =
        subjects(&katas, use_solutions.then_some(solutions_root.as_path()));
    let progress = Progress::new(ui::progress_wanted());
    let mut results = match subjects.is_empty() {
        true => Vec::new(),
        false => pipeline::grade_all(&repo, &subjects, &options, &progress)?,
    };
    progress.finish();
    ungradable.extend(
        problems.iter().map(|p| {
            pipeline::grade::ungradable(&p.id, p.number, p.meta.as_ref(), p.message.clone())
        }),
    );
    if !ungradable.is_empty() {
        results.extend(ungradable);
        results.sort_by_key(|r| r.number);
    }
    if let Some(trusted) = &trusted {
        trusted.apply(&mut results);
    }
    // Progress is about the learner's own code, never the solutions.
    let mut overall = None;
    if !use_solutions && trusted.is_none() {
        let (mut state, notice) = state::State::load(&repo.root);
        if let Some(notice) = notice {
            anstream::eprintln!("note: {notice}");
        }
        state.record(&results);
        if pipeline::process::interrupted() {
            // Results cut short by Ctrl-C are not progress.
        } else if let Err(e) = state.save(&repo.root) {
            anstream::eprintln!("note: your progress could not be saved: {e:#}");
        }
        if katas.len() < repo.katas.len() {
            overall = Some(state.passed_among(repo.katas.iter().map(|k| k.id.as_str())));
        }
    }
    let title = if let Some(trusted) = &trusted {
        format!("Tokio Katas · graded against {}", trusted.describe())
    } else if use_solutions {
        format!(
            "Tokio Katas · reference solutions from {}",
            solutions_root.display()
        )
    } else {
        "Tokio Katas".to_string()
    };
    let quiet = report::github::StopCommands::begin(
        report::github::in_actions() && cli.common.format == Format::Human,
    );
    match cli.common.format {
        Format::Json => println!("{}", report::json::render(&katas, &results)),
        Format::Junit => println!("{}", report::junit::render(&katas, &results)),
        Format::Classroom => println!("{}", report::classroom::render(&katas, &results)),
        Format::Human => {
            anstream::print!(
                "{}",
                report::human::render(&katas, &results, !cli.katas.is_empty(), &title)
            );
            if let Some(passed) = overall {
                let style = ui::BOLD;
                anstream::println!("\n{style}Overall: {passed}/{} katas passed{style:#} (`cargo run -p grader -- list` shows them all)", repo.katas.len());
            }
        }
    }
    drop(quiet);
    let warnings = trusted
        .as_ref()
        .map(|t| t.warnings.as_slice())
        .unwrap_or_default();
    publish::finish(
        &cli.common.reports,
        cli.common.format,
        &publish::Run {
            katas: &katas,
            results: &results,
            named: !cli.katas.is_empty(),
            title: &title,
            warnings,
        },
    )?;
    Ok(report::exit_code(&results))
}

/// What to grade for each kata, and a failed result for each kata whose
/// solution is missing from the solutions folder.
fn subjects<'a>(
    katas: &[&'a discover::Kata],
    solutions: Option<&std::path::Path>,
) -> (Vec<Subject<'a>>, Vec<pipeline::KataResult>) {
    let mut subjects = Vec::new();
    let mut missing = Vec::new();
    for kata in katas {
        match solutions {
            None => subjects.push(Subject::working(kata)),
            Some(root) => {
                let lib = kata.solution_dir(root).join("src").join("lib.rs");
                if lib.is_file() {
                    subjects.push(Subject::file(kata, "solution", lib));
                } else {
                    missing.push(pipeline::grade::ungradable(
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

fn absolute(path: PathBuf) -> Result<PathBuf> {
    Ok(if path.is_absolute() {
        path
    } else {
        std::env::current_dir()?.join(path)
    })
}

/// Ctrl-C or SIGTERM: kill every test and cargo process we started, then
/// leave with the conventional status.
fn install_interrupt_handler() {
    runtime().spawn(async {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        let code = tokio::select! {
            _ = interrupt.recv() => 130,
            _ = terminate.recv() => 143,
        };
        pipeline::process::mark_interrupted();
        pipeline::process::kill_all_groups();
        ui::restore_terminal();
        std::process::exit(code);
    });
}
