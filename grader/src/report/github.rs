//! GitHub Actions: a markdown summary of the run and annotations on the
//! katas' files, when `GITHUB_ACTIONS=true`.
//!
//! The summary is appended to the file `$GITHUB_STEP_SUMMARY` names, and
//! shows on the run's page. Annotations are workflow commands
//! (`::error file=katas/07-timeout/src/lib.rs,title=…::message`) that the
//! runner reads from the step's output and pins on the file in the pull
//! request. GitHub shows at most 10 error annotations per step, so there is
//! one per kata, only for katas that need attention (a kata not started is
//! in the summary, not an error). With an assignment, a kata outside it
//! gets no annotation unless it is tampered or suspicious, and the summary
//! marks it not required.
//!
//! Test messages can carry text from the student's code (a panic message).
//! Workflow commands in it must stay text: annotation data is escaped as
//! the runner expects, and the human report is printed between
//! `::stop-commands::TOKEN` and `::TOKEN::`, so the runner ignores any
//! command inside it.

use std::fmt::Write as _;

use crate::course::assignments::Assignment;
use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus, NOT_REQUIRED, TestStatus};

use super::{SUSPICIOUS_EXPLAINED, TAMPERED_EXPLAINED, points};

/// Running as a GitHub Actions step.
pub fn in_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true")
}

/// Output between [`StopCommands::begin`] and its drop is never read as
/// workflow commands.
pub struct StopCommands(Option<String>);

impl StopCommands {
    /// Prints the start marker on stdout when `enabled`.
    pub fn begin(enabled: bool) -> StopCommands {
        if !enabled {
            return StopCommands(None);
        }
        let token = unguessable_token();
        println!("::stop-commands::{token}");
        StopCommands(Some(token))
    }
}

impl Drop for StopCommands {
    fn drop(&mut self) {
        if let Some(token) = &self.0 {
            println!("::{token}::");
        }
    }
}

/// A token the graded code cannot predict, so it cannot print it to end the
/// quiet section early. std's `RandomState` is seeded from the OS.
fn unguessable_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut token = String::from("grader-");
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        let _ = write!(token, "{:016x}", hasher.finish());
    }
    token
}

/// One `::error` per kata that needs attention and one `::warning` per
/// warning, each ending in a newline.
pub fn annotations(
    results: &[KataResult],
    warnings: &[String],
    assignment: Option<&Assignment>,
) -> String {
    let mut out = String::new();
    for result in results {
        let required = super::required(assignment, &result.id);
        let needs_attention = match result.status {
            KataStatus::Tampered | KataStatus::Suspicious => true,
            KataStatus::Failed | KataStatus::CompileError | KataStatus::TimedOut => required,
            _ => false,
        };
        if !needs_attention {
            continue;
        }
        let lib = format!("katas/{}/src/lib.rs", result.id);
        let (file, line, message) = match result.status {
            KataStatus::Tampered => (
                result.tampered_files.first().cloned().unwrap_or(lib),
                None,
                format!(
                    "Not passed: these grading files differ from the trusted ref, and were not used: {}. \
                     Restore them from the base branch.",
                    result.tampered_files.join(", ")
                ),
            ),
            KataStatus::Suspicious => (
                lib.clone(),
                None,
                format!(
                    "Not passed: this code does what no solution needs, and an instructor will look at it: {}",
                    result.suspicious.join("; ")
                ),
            ),
            KataStatus::CompileError => (
                lib.clone(),
                None,
                result
                    .diagnostics
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "does not compile".into()),
            ),
            _ => {
                let failing: Vec<_> = result
                    .tests
                    .iter()
                    .filter(|t| t.status != TestStatus::Passed)
                    .collect();
                let first = failing.first();
                let message = match first {
                    Some(t) => format!(
                        "{} of {} tests fail. First, {}: {}",
                        failing.len(),
                        result.tests.len(),
                        t.name,
                        t.message
                    ),
                    None => "not passed".to_string(),
                };
                let line = first.and_then(|t| line_in(&t.message, &lib));
                (lib, line, message)
            }
        };
        let title = format!("{} · {}: {}", result.id, result.title, result.status.word());
        let mut properties = format!("file={}", escape_property(&file));
        if let Some(line) = line {
            let _ = write!(properties, ",line={line}");
        }
        let _ = writeln!(
            out,
            "::error {properties},title={}::{}",
            escape_property(&title),
            escape_data(&message)
        );
    }
    for warning in warnings {
        let _ = writeln!(out, "::warning title=Not graded::{}", escape_data(warning));
    }
    out
}

/// The line of `file` a message points at (`… at katas/07-timeout/src/lib.rs:12:5`).
fn line_in(message: &str, file: &str) -> Option<u32> {
    let at = message.find(&format!("{file}:"))? + file.len() + 1;
    let digits: String = message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The markdown summary: a table of every kata with its points, then the
/// failures, then the warnings.
pub fn summary(
    katas: &[&Kata],
    results: &[KataResult],
    title: &str,
    warnings: &[String],
    assignment: Option<&Assignment>,
    named: bool,
) -> String {
    let mut out = String::new();
    let passed = super::passed(results);
    let _ = writeln!(out, "## {}\n", html(title));
    match assignment {
        None => {
            let total = points::total(katas, results);
            let _ = writeln!(
                out,
                "**{passed}/{} katas passed · {}/{} points**\n",
                results.len(),
                total.points,
                total.max_points
            );
        }
        Some(a) => {
            let standing = super::standing(results, Some(a), named);
            let total = points::toward_total(katas, results, a);
            let _ = writeln!(
                out,
                "**Assignment {}: {} · {}/{} points**\n\n\
                 {passed}/{} katas passed in all; the others are graded, {NOT_REQUIRED}.\n",
                html(&a.describe()),
                standing.sentence(),
                total.points,
                total.max_points,
                results.len(),
            );
        }
    }
    let _ = writeln!(out, "| Kata | Status | Tests | Points |\n|---|---|---|---|");
    for result in results {
        let worth = points::of(katas, result);
        let required = match super::required(assignment, &result.id) {
            true => String::new(),
            false => format!(" · {NOT_REQUIRED}"),
        };
        let _ = writeln!(
            out,
            "| {} · {} | {}{required} | {}/{} | {}/{} |",
            result.id,
            cell(&result.title),
            result.status.badge(),
            result.passed_tests(),
            result.tests.len(),
            worth.points,
            worth.max_points
        );
    }
    for result in results
        .iter()
        .filter(|r| !matches!(r.status, KataStatus::Passed | KataStatus::NotStarted))
    {
        let _ = writeln!(
            out,
            "\n### {} · {}: {}{}\n",
            result.id,
            html(&result.title),
            result.status.word(),
            match super::required(assignment, &result.id) {
                true => String::new(),
                false => format!(" ({NOT_REQUIRED})"),
            }
        );
        if result.status == KataStatus::Tampered {
            let _ = writeln!(out, "{TAMPERED_EXPLAINED}\n");
            for file in &result.tampered_files {
                let _ = writeln!(out, "- `{}`", file.replace('`', "'"));
            }
            out.push('\n');
        }
        if result.status == KataStatus::Suspicious {
            let _ = writeln!(out, "{SUSPICIOUS_EXPLAINED}\n");
            for line in &result.suspicious {
                let _ = writeln!(out, "- `{}`", line.replace('`', "'"));
            }
            out.push('\n');
        }
        for diagnostic in result.diagnostics.iter().take(3) {
            let _ = writeln!(out, "<pre>{}</pre>\n", html(diagnostic));
        }
        for test in result
            .tests
            .iter()
            .filter(|t| t.status != TestStatus::Passed)
        {
            let _ = writeln!(
                out,
                "<details><summary><code>{}</code>: {}</summary>\n\n<pre>{}</pre>\n</details>\n",
                html(&test.name),
                test.status.word(),
                html(&test.message)
            );
        }
    }
    if !warnings.is_empty() {
        let _ = writeln!(out, "\n### Not graded\n");
        for warning in warnings {
            let _ = writeln!(out, "- {}", html(warning));
        }
    }
    out
}

/// Text that must not become markup.
fn html(text: &str) -> String {
    quick_xml::escape::partial_escape(text).into_owned()
}

fn cell(text: &str) -> String {
    html(text).replace('|', "\\|").replace('\n', " ")
}

/// Escaping for a workflow command's message, as the runner unescapes it.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a workflow command's property (`file=`, `title=`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_text_in_a_message_stays_text() {
        let message = "boom\n::error::fake annotation\r\n100%";
        assert_eq!(
            escape_data(message),
            "boom%0A::error::fake annotation%0D%0A100%25"
        );
        assert_eq!(escape_property("07 · a: b, c"), "07 · a%3A b%2C c");
    }

    #[test]
    fn the_line_is_found_in_a_todo_message() {
        let message = "reached a `todo!()` at katas/07-timeout/src/lib.rs:48:5: this part …";
        assert_eq!(line_in(message, "katas/07-timeout/src/lib.rs"), Some(48));
        assert_eq!(line_in("no location", "katas/07-timeout/src/lib.rs"), None);
    }

    #[test]
    fn tokens_differ() {
        assert_ne!(unguessable_token(), unguessable_token());
    }
}
