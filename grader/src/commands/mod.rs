//! What each command does with its arguments: find the repository, read the
//! course, hand the work to the module that owns it, and print the result.
//!
//! The default command (grading, `grade.rs`) and `verify` (`verify.rs`)
//! take the most options; the learner's other commands are a few lines
//! each, here. Output goes through `ui::print`, so a closed pipe
//! (`grader list | head`) ends quietly and a full disk is an error, not a
//! panic.

mod grade;
mod verify;

use anyhow::Result;

use crate::app::UsageError;
use crate::cli::{Cli, Command, TextOrJson};
use crate::course::discover::{self, Kata, Repo};
use crate::learner::hint::Ask;
use crate::learner::state::State;
use crate::pipeline::RunOptions;
use crate::{dev, learner, ui};

/// Runs the command line; the exit status on success.
pub fn run(cli: Cli) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let root = discover::find_root(&cwd)?;
    let Some(command) = cli.command else {
        return grade::run(&root, &cli.grade);
    };
    let discovered = crate::profile::step("discover");
    let repo = discover::discover(&root)?;
    drop(discovered);
    match command {
        Command::Verify {
            katas,
            discard_builds,
            mutants,
            solutions_dir,
            format,
            jobs,
        } => {
            let what = dev::verify::Options {
                discard_builds,
                mutants,
            };
            let solutions = match solutions_dir {
                Some(dir) => crate::app::absolute(dir)?,
                None => root.join("solutions"),
            };
            let options = RunOptions {
                jobs: jobs_or_cpus(jobs),
                use_cache: false,
                sealed: false,
            };
            verify::run(&repo, &katas, &solutions, &options, &what, format)
        }
        Command::Watch { kata, poll, run } => {
            let focus = kata.map(|name| kata_named(&repo, &name).map(|k| k.id.clone()));
            let options = RunOptions {
                jobs: jobs_or_cpus(run.jobs),
                use_cache: !run.no_cache,
                sealed: false,
            };
            learner::watch::run(repo, focus.transpose()?, options, poll)
        }
        Command::Next { format } => {
            let state = load_state(&repo);
            ui::print(&match format {
                TextOrJson::Human => learner::next::render(&repo.katas, &state),
                TextOrJson::Json => learner::next::json(&repo.katas, &state) + "\n",
            })?;
            Ok(0)
        }
        Command::Hint {
            kata,
            number,
            all,
            format,
        } => {
            let kata = kata_named(&repo, &kata)?;
            let ask = match (all, number) {
                (true, _) => Ask::All,
                (false, Some(n)) => Ask::Number(n),
                (false, None) => Ask::Next,
            };
            ui::print(&match format {
                TextOrJson::Human => learner::hint::run(&repo.root, kata, ask)?,
                TextOrJson::Json => learner::hint::json(&repo.root, kata, ask)? + "\n",
            })?;
            Ok(0)
        }
        Command::List { format } => {
            let state = load_state(&repo);
            ui::print(&match format {
                TextOrJson::Human => learner::list::render(&repo, &state),
                TextOrJson::Json => learner::list::json(&repo, &state) + "\n",
            })?;
            Ok(0)
        }
        Command::Solution { kata, diff } => {
            let kata = kata_named(&repo, &kata)?;
            let solutions = root.join("solutions");
            let (text, code) = learner::solution::run(&repo.root, &solutions, kata, diff)?;
            ui::print(&text)?;
            Ok(code)
        }
        Command::Reset { kata, yes } => {
            let kata = kata_named(&repo, &kata)?;
            ui::print(&learner::reset::run(&repo.root, kata, yes)?)?;
            Ok(0)
        }
        Command::New {
            slug,
            chapter,
            kind,
        } => {
            let kind = match kind {
                crate::cli::NewKind::Todo => crate::course::kata_file::KataKind::Todo,
                crate::cli::NewKind::Fix => crate::course::kata_file::KataKind::Fix,
            };
            ui::print(&dev::scaffold::new_kata(&root, &slug, chapter, kind)?)?;
            Ok(0)
        }
        Command::Bench { runs, kata, cold } => {
            dev::bench::run(&repo, &dev::bench::Options { runs, kata, cold })
        }
    }
}

fn jobs_or_cpus(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// The learner's progress, with a note on stderr if it had to start afresh.
fn load_state(repo: &Repo) -> State {
    let (state, notice) = State::load(&repo.root);
    if let Some(notice) = notice {
        anstream::eprintln!("note: {notice}");
    }
    state
}

/// The kata a learner named for a command about one kata. A kata whose
/// folder could not be read is named as such, with the reason, rather than
/// "there is no kata called".
fn kata_named<'r>(repo: &'r Repo, name: &str) -> Result<&'r Kata> {
    let (problems, _) = discover::select_problems(repo, &[name.to_string()]);
    if let Some(problem) = problems.first() {
        return Err(UsageError(format!(
            "{} cannot be read, so there is nothing to do with it until that is fixed:\n  {}",
            problem.id, problem.message
        ))
        .into());
    }
    not_a_command(repo, name)?;
    discover::find_kata(&repo.katas, name)
}

/// A name that is no kata but nearly a command (`wach`, `hints`, `lst`) is
/// a mistyped command, not a kata to look for.
fn not_a_command(repo: &Repo, name: &str) -> Result<()> {
    if discover::find_kata(&repo.katas, name).is_ok() {
        return Ok(());
    }
    let typed = name.to_lowercase();
    let close = crate::cli::command_names().into_iter().find(|command| {
        strsim::damerau_levenshtein(&typed, command) <= 2.min(command.len() / 2)
            || (typed.starts_with(command.as_str()) && typed.len() <= command.len() + 2)
    });
    match close {
        Some(command) => Err(UsageError(format!(
            "`{name}` is neither a command nor a kata. Did you mean the command `{command}`? \
             (`cargo run -p grader -- {command} --help` says how to use it)"
        ))
        .into()),
        None => Ok(()),
    }
}

/// The katas the learner named, and those that cannot be graded at all (a
/// malformed kata.toml, no tests), each with the reason.
fn select<'r>(
    repo: &'r Repo,
    names: &[String],
) -> Result<(Vec<&'r discover::Problem>, Vec<&'r Kata>)> {
    let (problems, found) = discover::select_problems(repo, names);
    for name in &found {
        not_a_command(repo, name)?;
    }
    let katas = match found.is_empty() && !names.is_empty() {
        true => Vec::new(),
        false => discover::select(&repo.katas, &found)?,
    };
    Ok((problems, katas))
}
