//! Asking git, the one way the grader does it.
//!
//! Three parts of the grader read git: the local check of grading files
//! (integrity.rs), grading against a trusted ref (trusted.rs) and `reset`
//! (learner/reset.rs), which takes a stub back from history. They ask the
//! same kind of question and must get the same kind of answer, so the
//! process (a wall-clock limit, capped output, no prompt, no pager) and the
//! "what changed since REF" listing live here once.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::process::Command;

use crate::pipeline::process::{Exit, run_limited};

/// git answers from its index in milliseconds; `git archive` of a big ref
/// takes longer. Past this, it is stuck (a lock, a network filesystem).
const LIMIT: Duration = Duration::from_secs(120);
/// More than any listing or file of this repository; past it, the answer
/// would be cut, and a cut answer is treated as no answer.
const OUTPUT_CAP: usize = 16 * 1024 * 1024;

/// Runs `git -C root ARGS`: its stdout, or an error with git's own words.
pub fn run(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root).args(args);
    // Never prompt for credentials, never page.
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("GIT_PAGER", "cat");
    checked(cmd, &format!("git {}", args.join(" ")))
}

/// Runs a helper process (git, tar) to completion under the limit: its
/// stdout, or an error naming `what` and what went wrong.
pub fn checked(cmd: Command, what: &str) -> Result<Vec<u8>> {
    let program = cmd.as_std().get_program().to_string_lossy().into_owned();
    let done = crate::app::runtime()
        .block_on(run_limited(cmd, LIMIT, OUTPUT_CAP))
        .with_context(|| format!("cannot run {program}: is it installed?"))?;
    match done.exit {
        Exit::Code(0) if !done.truncated => Ok(done.stdout),
        Exit::Code(0) => bail!("`{what}` printed more than the grader reads"),
        Exit::TimedOut => bail!(
            "`{what}` did not finish within {}s and was stopped",
            LIMIT.as_secs()
        ),
        exit => bail!(
            "`{what}` failed ({exit:?}): {}",
            String::from_utf8_lossy(&done.stderr).trim()
        ),
    }
}

/// The paths under `pathspec` (the whole repository when `None`) that
/// differ between `base` and the working tree of the checkout at `root`:
/// tracked files changed, added or deleted since `base` (committed or not),
/// and the untracked files git does not ignore that `untracked_counts`
/// keeps. Relative to `root`, with `/`, sorted, each once.
pub fn changed_since(
    root: &Path,
    base: &str,
    pathspec: Option<&str>,
    untracked_counts: impl Fn(&str) -> bool,
) -> Result<Vec<String>> {
    let under: Vec<&str> = std::iter::once("--").chain(pathspec).collect();
    // --no-renames: a rename lists the path it left as well as the new one.
    // No external diff drivers or text conversion: names only.
    let diff_args: Vec<&str> = [
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--no-ext-diff",
        "--no-textconv",
        base,
    ]
    .into_iter()
    .chain(under.iter().copied())
    .collect();
    let untracked_args: Vec<&str> = ["ls-files", "-z", "--others", "--exclude-standard"]
        .into_iter()
        .chain(under.iter().copied())
        .collect();
    // Both at once: each is a process start, and the local check is on the
    // path from a save to its verdict.
    let (diff, untracked) = std::thread::scope(|scope| {
        let diff = scope.spawn(|| run(root, &diff_args));
        let untracked = run(root, &untracked_args);
        (diff.join().expect("a git call does not panic"), untracked)
    });
    let (diff, untracked) = (diff?, untracked?);
    let names = |out: Vec<u8>| -> Vec<String> {
        out.split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect()
    };
    let mut paths = names(diff);
    paths.extend(names(untracked).into_iter().filter(|p| untracked_counts(p)));
    paths.sort();
    paths.dedup();
    Ok(paths)
}
