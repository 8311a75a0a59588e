//! `new SLUG`: the skeleton of a new kata, numbered after the last one.
//!
//! A kata is only done when `verify` proves it: its stub fails, its
//! reference solution passes, and each known-wrong solution is caught by the
//! test it names. So the skeleton is a complete, tiny kata that already
//! passes `verify` (a `todo!()` stub, a solution, one wrong solution): the
//! author replaces the example piece by piece and runs `verify` as they go.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::app::UsageError;
use crate::course::discover::parse_kata_dir_name;
use crate::course::kata_file::KataKind;

/// Creates `katas/NN-SLUG/` and `solutions/NN-SLUG/` under `root`, adds
/// the kata's row to README's curriculum, and returns what to tell the
/// author. `fix` katas start from code that runs but is wrong.
pub fn new_kata(root: &Path, slug: &str, chapter: u32, kind: KataKind) -> Result<String> {
    check_slug(slug)?;
    if chapter == 0 {
        return Err(UsageError("chapters are numbered from 1: `--chapter 1`".into()).into());
    }
    let existing = existing_katas(root)?;
    if let Some((_, id)) = existing
        .iter()
        .find(|(_, id)| id.split_once('-').map(|(_, s)| s) == Some(slug))
    {
        return Err(UsageError(format!(
            "there is already a kata called `{slug}`: katas/{id}. Choose another slug."
        ))
        .into());
    }
    let number = existing.iter().map(|(n, _)| *n).max().unwrap_or(0) + 1;
    if number > 99 {
        return Err(UsageError(
            "kata numbers have two digits and 99 is taken: renumber the katas first".into(),
        )
        .into());
    }
    let id = format!("{number:02}-{slug}");
    let kata_dir = root.join("katas").join(&id);
    let solution_dir = root.join("solutions").join(&id);
    for dir in [&kata_dir, &solution_dir] {
        if dir.exists() {
            return Err(UsageError(format!(
                "{} already exists: move it away or choose another slug",
                dir.display()
            ))
            .into());
        }
    }

    let crate_name = format!("kata_{}", id.replace('-', "_"));
    let title = title_of(slug);
    let files: Vec<(PathBuf, String)> = vec![
        (kata_dir.join("Cargo.toml"), cargo_toml(&id, number, &title)),
        (kata_dir.join("kata.toml"), kata_toml(&title, chapter, kind)),
        (kata_dir.join("README.md"), readme(&id, number, &title)),
        (
            kata_dir.join("src/lib.rs"),
            match kind {
                // (`new` scaffolds todo and fix katas; a tests kata starts
                // from one by hand: see docs/instructors.md.)
                KataKind::Todo | KataKind::Tests => {
                    STUB.replace("{title}", &format!("Kata {number:02}: {title}"))
                }
                KataKind::Fix => FIX_STUB.replace("{title}", &format!("Kata {number:02}: {title}")),
            },
        ),
        (
            kata_dir.join("tests/grading.rs"),
            GRADING
                .replace("{crate}", &crate_name)
                .replace("{title}", &format!("kata {number:02}: {title}")),
        ),
        (solution_dir.join("src/lib.rs"), SOLUTION.to_string()),
        (
            solution_dir.join("wrong/returns_at_once.rs"),
            WRONG.to_string(),
        ),
    ];
    for (path, text) in &files {
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }

    let mut out = format!("Created kata {id} (chapter {chapter}):\n");
    for (path, _) in &files {
        let shown = path.strip_prefix(root).unwrap_or(path);
        let _ = writeln!(out, "  {}", shown.display());
    }
    let row = format!(
        "| [`{id}`](katas/{id}/README.md) | {} | **{title}.** One line: the idea this kata teaches. |",
        kind.code()
    );
    match add_curriculum_row(&root.join("README.md"), chapter, &row) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "  README.md: a row in the curriculum, chapter {chapter}"
            );
        }
        Err(e) => {
            let _ = writeln!(out, "  (README.md's curriculum was not changed: {e:#})");
        }
    }
    let _ = write!(
        out,
        "\nIt is a complete example kata (an async function to finish), so it is sound already:\n  \
         cargo run -p grader -- verify\n\
         Now make it yours, running verify after each step: the README, kata.toml's title,\n\
         chapter, summary and hints, the stub in src/lib.rs, the tests in tests/grading.rs,\n\
         the solution, and the ways to get it wrong in solutions/{id}/wrong/.\n\
         docs/instructors.md, \"Writing a kata\", shows how to write each of them.\n"
    );
    Ok(out)
}

/// Adds `row` to the table of chapter `chapter` in README's curriculum,
/// after its last row, or a new chapter's table after the last one.
fn add_curriculum_row(readme: &Path, chapter: u32, row: &str) -> Result<()> {
    let text = std::fs::read_to_string(readme).context("cannot read it")?;
    let mut lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("## The curriculum"))
        .context("it has no `## The curriculum` section")?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("## "))
        .map_or(lines.len(), |at| start + 1 + at);
    let heading = format!("**Chapter {chapter} ");
    let table_row = |l: &&str| l.starts_with("| [`");
    let at = match lines[start..end]
        .iter()
        .position(|l| l.starts_with(&heading))
    {
        Some(h) => {
            let first_row = start + h;
            let rows = lines[first_row..end]
                .iter()
                .skip_while(|l| !table_row(l))
                .take_while(|l| l.starts_with('|'))
                .count();
            let table = first_row
                + lines[first_row..end]
                    .iter()
                    .position(table_row)
                    .unwrap_or(0);
            lines.insert(table + rows, row);
            None
        }
        None => {
            let last_row = (start..end)
                .rev()
                .find(|i| table_row(&lines[*i]))
                .unwrap_or(end - 1);
            Some(last_row + 1)
        }
    };
    let mut text = lines.join("\n");
    if let Some(after) = at {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let section = format!(
            "\n**Chapter {chapter}**\n\n| Kata | Kind | What it teaches |\n|---|---|---|\n{row}"
        );
        lines.insert(after, section);
        text = lines.join("\n");
    }
    text.push('\n');
    std::fs::write(readme, text).context("cannot write it")?;
    Ok(())
}

/// Lowercase words of letters and digits, joined by single hyphens.
fn check_slug(slug: &str) -> Result<()> {
    let words_ok = slug.split('-').all(|w| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    let starts_ok = slug.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    if words_ok && starts_ok && slug.len() <= 40 {
        return Ok(());
    }
    Err(UsageError(format!(
        "`{slug}` is not a kata slug: use lowercase words (letters and digits, starting with a \
         letter) joined by hyphens, at most 40 characters, e.g. `select-loop`. The number is \
         added for you."
    ))
    .into())
}

/// (number, id) of every kata folder.
fn existing_katas(root: &Path) -> Result<Vec<(u32, String)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root.join("katas")).context("cannot read katas/")? {
        let name = entry?.file_name().to_string_lossy().to_string();
        if let Some((number, _)) = parse_kata_dir_name(&name) {
            found.push((number, name));
        }
    }
    Ok(found)
}

/// `select-loop` → `Select loop`.
fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn cargo_toml(id: &str, number: u32, title: &str) -> String {
    format!(
        r#"[package]
name = "kata-{id}"
version.workspace = true
edition.workspace = true
publish.workspace = true
description = "Kata {number:02}: {title}"

[dependencies]
tokio.workspace = true

[dev-dependencies]
kata-support.workspace = true
"#
    )
}

fn kata_toml(title: &str, chapter: u32, kind: KataKind) -> String {
    let kind = kind.code();
    format!(
        r#"title = "{title}"
chapter = {chapter}
kind = "{kind}"
summary = "One line: the idea this kata teaches."
learned = """
Shown with the reference solution once the kata is passed: in two to four
sentences, what the learner can now do, naming the tokio API it is about.
"""
common_mistakes = [
    "One mistake per entry: what people write, and what it does at run time.",
]
hints = [
    "The first hint names the idea, not the answer: wait on tokio's clock, not the thread's.",
    "The last hint is nearly the answer: `tokio::time::sleep(delay).await; value * 2`.",
]
"#
    )
}

fn readme(id: &str, number: u32, title: &str) -> String {
    format!(
        r#"# {number:02} · {title}

The concept in a page: what goes wrong without it, and why the fix works.

## Your task

Finish `double_after` in `src/lib.rs`: wait `delay`, then return `value * 2`.

## How it is graded

The tests run on tokio's paused clock, so waiting costs no real time and
every elapsed time is exact. `double_after(1s, 21)` must return 42 after
exactly 1 s of virtual time.

    cargo run -p grader -- {id}
"#
    )
}

const STUB: &str = r#"//! {title}.
//!
//! Fill in the `todo!()` below. Read README.md first.

use std::time::Duration;

/// Waits `delay` on tokio's clock, then returns `value * 2`.
pub async fn double_after(delay: Duration, value: u64) -> u64 {
    let _ = (delay, value);
    todo!("wait with tokio::time::sleep(delay), then return value * 2")
}
"#;

const SOLUTION: &str = r#"use std::time::Duration;

/// Waits `delay` on tokio's clock, then returns `value * 2`.
pub async fn double_after(delay: Duration, value: u64) -> u64 {
    tokio::time::sleep(delay).await;
    value * 2
}
"#;

/// A fix kata's stub: it compiles and runs, and is wrong (the known-wrong
/// example's mistake), so every test it fails proves something.
const FIX_STUB: &str = r#"//! {title}.
//!
//! This code runs, but it is wrong: find out how from the failing tests,
//! then fix it. Read README.md first.

use std::time::Duration;

/// Waits `delay` on tokio's clock, then returns `value * 2`.
pub async fn double_after(_delay: Duration, value: u64) -> u64 {
    value * 2
}
"#;

const WRONG: &str = r#"//! Wrong: returns the right value at once, without waiting for the delay.
//! Caught by: doubles_after_exactly_the_delay

use std::time::Duration;

pub async fn double_after(_delay: Duration, value: u64) -> u64 {
    value * 2
}
"#;

const GRADING: &str = r#"//! Grading tests for {title}.
//!
//! Every test runs on tokio's paused clock (`start_paused = true`): waiting
//! costs no real time, and elapsed virtual time is exact.

use kata_support::{ms, no_hang, Stopwatch};
use {crate}::double_after;

#[tokio::test(start_paused = true)]
async fn doubles_after_exactly_the_delay() {
    let watch = Stopwatch::start();
    let result = no_hang("double_after(1s, 21)", double_after(ms(1000), 21)).await;
    assert_eq!(
        result, 42,
        "double_after(1s, 21) returned {result}, expected 42: twice the value."
    );
    watch.assert_elapsed(
        ms(1000),
        "double_after(1s, 21)",
        "It must wait the whole delay on tokio's clock (tokio::time::sleep), then answer at once.",
    );
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for good in ["select-loop", "timeout", "mpsc2", "a-b-c"] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Select",
            "07-timeout",
            "two--hyphens",
            "-x",
            "x-",
            "snake_case",
            "é",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles() {
        assert_eq!(title_of("select-loop"), "Select loop");
    }
}
