//! `hint KATA`: one more hint each time it is asked.
//!
//! Hints go from a nudge to nearly the answer. Handing them out one at a
//! time keeps the learner thinking: the next one only comes when asked for
//! (the count is kept in the progress file), and `--all` shows them all.

use std::fmt::Write as _;

use anyhow::Result;

use crate::course::discover::Kata;
use crate::learner::state::State;
use crate::ui::{BOLD, DIM};

pub fn run(root: &std::path::Path, kata: &Kata, all: bool) -> Result<String> {
    let (mut state, notice) = State::load(root);
    let hints = &kata.meta.hints;
    let mut out = String::new();
    if let Some(notice) = notice {
        let _ = writeln!(out, "{DIM}note: {notice}{DIM:#}");
    }
    if all {
        for (i, hint) in hints.iter().enumerate() {
            out.push_str(&render(kata, i, hint));
        }
        state.kata_mut(&kata.id).hints_shown = hints.len();
    } else {
        let (next, hint) = state.next_hint(kata);
        out.push_str(&render(kata, next, hint));
        if next + 1 < hints.len() {
            let _ = writeln!(
                out,
                "{DIM}Still stuck? `cargo run -p grader -- hint {:02}` gives hint {} of {}.{DIM:#}",
                kata.number,
                next + 2,
                hints.len()
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

fn render(kata: &Kata, index: usize, hint: &str) -> String {
    let wrapped = textwrap::fill(
        hint,
        textwrap::Options::new(76)
            .initial_indent("  ")
            .subsequent_indent("  "),
    );
    format!(
        "{BOLD}Hint {} of {} for {} ({}){BOLD:#}\n{wrapped}\n\n",
        index + 1,
        kata.meta.hints.len(),
        kata.id,
        kata.meta.title
    )
}
