//! `solution KATA`: the reference solution, once the kata is passed.
//!
//! Reading a solution before solving the kata takes away the very thing it
//! teaches, so it is shown only after the kata passed (by the last grading
//! of the learner's own code); before that the command says so and points
//! at the hints. After passing, comparing is how one learns the most: the
//! solution comes with what the kata taught and the mistakes people make,
//! and `--diff` shows how the learner's file differs from it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::course::discover::Kata;
use crate::learner::state::State;
use crate::ui::{BOLD, DIM, GREEN, RED};
use crate::verdict::KataStatus;

/// What to print, and the exit status: 1 while the kata is not passed.
pub fn run(root: &Path, solutions: &Path, kata: &Kata, diff: bool) -> Result<(String, i32)> {
    let (state, _) = State::load(root);
    let progress = state.kata(&kata.id);
    if progress.status != Some(KataStatus::Passed) {
        let when = match progress.status {
            None => "has not been graded yet".to_string(),
            Some(status) => format!("is {} (last graded)", status.word()),
        };
        let shown = progress.hints_shown.min(kata.meta.hints.len());
        let hint = match shown < kata.meta.hints.len() {
            true => format!(
                "Stuck? `cargo run -p grader -- hint {:02}` gives hint {} of {}.",
                kata.number,
                shown + 1,
                kata.meta.hints.len()
            ),
            false => format!(
                "You have seen every hint; the README explains the idea in full: katas/{}/README.md",
                kata.id
            ),
        };
        let text = format!(
            "{} {when}: its reference solution is shown once you have passed it.\n\
             Grade it with `cargo run -p grader -- {:02}`. {hint}\n",
            kata.id, kata.number
        );
        return Ok((text, 1));
    }
    let path = kata.solution_dir(solutions).join("src").join("lib.rs");
    let reference = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the reference solution {}", path.display()))?;
    let mut out = format!(
        "{BOLD}{} · {}{BOLD:#}  {GREEN}✓ passed{GREEN:#}\n\n",
        kata.id, kata.meta.title
    );
    out.push_str(&note(kata));
    let shown = path.strip_prefix(root).unwrap_or(&path).display();
    if diff {
        let lib = kata.dir.join("src").join("lib.rs");
        let yours = std::fs::read_to_string(&lib)
            .with_context(|| format!("cannot read your code {}", lib.display()))?;
        let _ = writeln!(
            out,
            "{BOLD}How yours differs from the reference solution{BOLD:#} {DIM}(- yours, + {shown}){DIM:#}\n"
        );
        out.push_str(&unified_diff(&yours, &reference));
    } else {
        let _ = writeln!(
            out,
            "{BOLD}The reference solution{BOLD:#} {DIM}({shown}){DIM:#}\n"
        );
        out.push_str(&reference);
        let _ = writeln!(
            out,
            "\n{DIM}`cargo run -p grader -- solution {:02} --diff` shows how yours differs.{DIM:#}",
            kata.number
        );
    }
    Ok((out, 0))
}

/// "What you learned" and "Common mistakes", from `kata.toml`.
fn note(kata: &Kata) -> String {
    let mut out = String::new();
    if !kata.meta.learned.trim().is_empty() {
        let _ = writeln!(out, "{BOLD}What you learned{BOLD:#}");
        let _ = writeln!(
            out,
            "{}\n",
            crate::ui::wrap(kata.meta.learned.trim(), 78, "  ")
        );
    }
    if !kata.meta.common_mistakes.is_empty() {
        let _ = writeln!(out, "{BOLD}Common mistakes{BOLD:#}");
        for mistake in &kata.meta.common_mistakes {
            let wrapped = crate::ui::wrap(mistake.trim(), 76, "    ");
            let _ = writeln!(out, "  -{}", &wrapped[3..]);
        }
        out.push('\n');
    }
    out
}

fn unified_diff(yours: &str, reference: &str) -> String {
    let diff = similar::TextDiff::from_lines(yours, reference);
    if diff.ratio() == 1.0 {
        return "  (none: your file is the reference solution, byte for byte)\n".to_string();
    }
    let mut out = String::new();
    for line in diff
        .unified_diff()
        .context_radius(3)
        .header("yours", "reference")
        .to_string()
        .lines()
    {
        let _ = match line.chars().next() {
            Some('-') if !line.starts_with("---") => writeln!(out, "{RED}{line}{RED:#}"),
            Some('+') if !line.starts_with("+++") => writeln!(out, "{GREEN}{line}{GREEN:#}"),
            Some('@') => writeln!(out, "{DIM}{line}{DIM:#}"),
            _ => writeln!(out, "{line}"),
        };
    }
    out
}
