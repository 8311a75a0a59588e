//! Moving on: which kata comes next, and what it teaches.
//!
//! The course has an order (chapter by chapter, kata by kata), and a learner
//! who has just passed one should not have to look up the next. The full
//! grade focuses on the first kata not passed, `watch` moves its focus there
//! after a pass, and `next` says where to go when asked.

use std::fmt::Write as _;

use serde_json::json;

use crate::course::discover::Kata;
use crate::learner::state::State;
use crate::report::table::chapter_title;
use crate::ui::{BOLD, DIM, GREEN};
use crate::verdict::KataStatus;

/// The first kata in course order that is not passed (by the last grading),
/// starting after `after` when given, and wrapping round to the start.
pub fn next_kata<'k>(katas: &'k [Kata], state: &State, after: Option<&str>) -> Option<&'k Kata> {
    let start = after
        .and_then(|id| katas.iter().position(|k| k.id == id))
        .map_or(0, |at| at + 1);
    katas[start..].iter().chain(&katas[..start]).find(|k| {
        state.kata(&k.id).status != Some(KataStatus::Passed) && Some(k.id.as_str()) != after
    })
}

/// `next`, for a person.
pub fn render(katas: &[Kata], state: &State) -> String {
    let passed = state.passed_among(katas.iter().map(|k| k.id.as_str()));
    let Some(kata) = next_kata(katas, state, None) else {
        return format!(
            "{GREEN}Every kata passes ({passed}/{}). Well done!{GREEN:#}\n\
             `cargo run -p grader -- solution NN` shows a reference solution next to yours.\n",
            katas.len()
        );
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{BOLD}Next: {} · {}{BOLD:#}  {DIM}(chapter {} · {}; {passed}/{} katas passed){DIM:#}",
        kata.id,
        kata.meta.title,
        kata.meta.chapter,
        chapter_title(kata.meta.chapter),
        katas.len()
    );
    if !kata.meta.summary.is_empty() {
        let _ = writeln!(out, "  {}", kata.meta.summary);
    }
    let _ = writeln!(
        out,
        "\n  Read katas/{}/README.md, then write your code in katas/{}/src/lib.rs.\n  \
         `cargo run -p grader -- watch {:02}` grades it every time you save.",
        kata.id, kata.id, kata.number
    );
    out
}

/// `next --format json`.
pub fn json(katas: &[Kata], state: &State) -> String {
    let next = next_kata(katas, state, None).map(|k| {
        json!({
            "id": k.id,
            "number": k.number,
            "title": k.meta.title,
            "chapter": k.meta.chapter,
            "summary": k.meta.summary,
            "readme": format!("katas/{}/README.md", k.id),
            "status": state.kata(&k.id).status,
        })
    });
    let passed = state.passed_among(katas.iter().map(|k| k.id.as_str()));
    json!({ "next": next, "passed": passed, "total": katas.len() }).to_string()
}
