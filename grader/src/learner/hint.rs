//! `hint KATA [N]`: one more hint each time it is asked.
//!
//! Hints go from a nudge to nearly the answer. Handing them out one at a
//! time keeps the learner thinking: the next one only comes when asked for
//! (the count is kept in the progress file), `hint KATA N` shows hint N
//! again without using up a new one, and `--all` shows them all.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use crate::app::UsageError;
use crate::course::discover::Kata;
use crate::learner::state::State;
use crate::ui::{BOLD, DIM};

/// Which hints were asked for.
pub enum Ask {
    /// The next one not seen yet (the last one again once all were seen).
    Next,
    /// Hint N (1-based).
    Number(usize),
    All,
}

/// The hints asked for, as (index, text), counted as seen.
fn take<'k>(state: &mut State, kata: &'k Kata, ask: &Ask) -> Result<Vec<(usize, &'k str)>> {
    let hints = &kata.meta.hints;
    Ok(match ask {
        Ask::Next => vec![state.next_hint(kata)],
        Ask::All => {
            state.kata_mut(&kata.id).hints_shown = hints.len();
            hints.iter().map(String::as_str).enumerate().collect()
        }
        Ask::Number(n) if (1..=hints.len()).contains(n) => {
            let progress = state.kata_mut(&kata.id);
            progress.hints_shown = progress.hints_shown.max(*n);
            vec![(n - 1, hints[n - 1].as_str())]
        }
        Ask::Number(n) => {
            return Err(UsageError(format!(
                "{} has {} hints: ask for 1 to {} (you asked for {n})",
                kata.id,
                hints.len(),
                hints.len()
            ))
            .into());
        }
    })
}

/// `hint`, for a person.
pub fn run(root: &std::path::Path, kata: &Kata, ask: Ask) -> Result<String> {
    let (mut state, notice) = State::load(root);
    let mut out = String::new();
    if let Some(notice) = notice {
        let _ = writeln!(out, "{DIM}note: {notice}{DIM:#}");
    }
    let shown = take(&mut state, kata, &ask)?;
    for (index, hint) in &shown {
        out.push_str(&render(kata, *index, hint));
    }
    let hints = kata.meta.hints.len();
    let seen = state.kata(&kata.id).hints_shown;
    if !matches!(ask, Ask::All) {
        if seen < hints {
            let _ = writeln!(
                out,
                "{DIM}Still stuck? `cargo run -p grader -- hint {:02}` gives hint {} of {hints}.{DIM:#}",
                kata.number,
                seen + 1,
            );
        } else {
            let _ = writeln!(
                out,
                "{DIM}That was the last hint. The kata's README explains the idea in full: katas/{}/README.md{DIM:#}",
                kata.id
            );
        }
    }
    state.save(root)?;
    Ok(out)
}

/// `hint --format json`: the hints asked for, counted as seen as for a person.
pub fn json(root: &std::path::Path, kata: &Kata, ask: Ask) -> Result<String> {
    let (mut state, _) = State::load(root);
    let shown = take(&mut state, kata, &ask)?;
    state.save(root)?;
    let hints: Vec<_> = shown
        .iter()
        .map(|(index, text)| json!({ "number": index + 1, "text": text }))
        .collect();
    Ok(json!({
        "kata": kata.id,
        "hints": hints,
        "total": kata.meta.hints.len(),
        "seen": state.kata(&kata.id).hints_shown,
    })
    .to_string())
}

fn render(kata: &Kata, index: usize, hint: &str) -> String {
    format!(
        "{BOLD}Hint {} of {} for {} ({}){BOLD:#}\n{}\n\n",
        index + 1,
        kata.meta.hints.len(),
        kata.id,
        kata.meta.title,
        crate::ui::wrap(hint, 76, "  ")
    )
}
