//! `reset KATA`: put the stub back, without ever losing the learner's work.
//!
//! The stub is taken from git (see `stub.rs`). Before anything is overwritten, the learner's file is
//! copied to `.grader/backups/` and the path is printed, and unless `--yes`
//! is given the learner is asked first.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::app::UsageError;
use crate::course::discover::Kata;
use crate::learner::state::State;

/// What reset did, for the report.
struct Reset {
    backup: Option<PathBuf>,
    from: String,
}

pub fn run(root: &Path, kata: &Kata, yes: bool) -> Result<String> {
    let relative = crate::checks::stub::lib_path(kata);
    let (rev, stub) = crate::checks::stub::stub(root, &relative)?;
    let file = root.join(&relative);
    let current = std::fs::read(&file).ok();
    if current.as_deref() == Some(stub.as_slice()) {
        return Ok(format!(
            "{relative} is already the stub from {rev}: nothing to reset.\n"
        ));
    }
    if !yes && !confirm(&relative)? {
        return Ok("Nothing was changed.\n".to_string());
    }
    let reset = apply(root, kata, &relative, &rev, &stub, current.as_deref())?;
    let mut out = format!("{} is the stub again (from {}).\n", relative, reset.from);
    if let Some(backup) = &reset.backup {
        out.push_str(&format!(
            "Your version was saved first: {}\nTo bring it back: cp {} {}\n",
            backup.display(),
            backup.display(),
            // Absolute, so the command works from any folder.
            file.display()
        ));
    }
    Ok(out)
}

/// Backs up the learner's file, then writes the stub over it atomically.
fn apply(
    root: &Path,
    kata: &Kata,
    relative: &str,
    rev: &str,
    stub: &[u8],
    current: Option<&[u8]>,
) -> Result<Reset> {
    let file = root.join(relative);
    let backup = match current {
        Some(bytes) => Some(crate::course::backup::write_backup(root, &kata.id, bytes)?),
        None => None,
    };
    let dir = file.parent().unwrap();
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(stub)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&file)
        .with_context(|| format!("cannot write {}", file.display()))?;

    let (mut state, _) = State::load(root);
    let progress = state.kata_mut(&kata.id);
    progress.status = None;
    progress.passed_tests = 0;
    progress.total_tests = 0;
    state.save(root)?;
    Ok(Reset {
        backup,
        from: rev.to_string(),
    })
}

fn confirm(relative: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(UsageError(format!(
            "reset would overwrite {relative}, and there is no terminal to ask you first.\n\
             Run it again with --yes to reset (your version is backed up either way)."
        ))
        .into());
    }
    eprint!("Reset {relative} to the stub? Your version is backed up first. [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
