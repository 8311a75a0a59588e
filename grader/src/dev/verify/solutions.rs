//! The solution files of a kata (`wrong/`, `right/`) and the verdict each
//! must get: every known-wrong solution is caught by every test its header
//! names, every correct one passes, and `passes_on_starter` in `kata.toml`
//! lists exactly what the untouched starter code passes. Pure functions of
//! [`KataResult`]s, tested on hand-made results.

use std::collections::BTreeSet;

use crate::verdict::{KataResult, KataStatus, TestStatus};

/// A solution file of `wrong/` or `right/`, with what its header says.
#[derive(Debug, Clone)]
pub struct SolutionFile {
    pub path: std::path::PathBuf,
    /// The file's stem: `busy_poll` for `wrong/busy_poll.rs`.
    pub name: String,
    /// `//! Wrong: <what is wrong>` or `//! Right: <its style>`.
    pub what: Option<String>,
    /// `//! Caught by: a, b`: the tests that must fail (known-wrong only).
    pub caught_by: Vec<String>,
}

/// Reads the `.rs` files of `dir` (`wrong/` or `right/`), sorted by name.
/// `key` is the header that describes each one (`Wrong:` or `Right:`).
pub fn solution_files(dir: &std::path::Path, key: &str) -> anyhow::Result<Vec<SolutionFile>> {
    use anyhow::Context as _;
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(found);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            found.push(SolutionFile {
                name: path.file_stem().unwrap().to_string_lossy().to_string(),
                what: header(&text, key),
                caught_by: header(&text, "Caught by:")
                    .map(|names| parse_caught_by(&names))
                    .unwrap_or_default(),
                path,
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

use crate::course::kata_file::header;

/// `Caught by: a, grading::b` names one or more tests, separated by commas.
pub fn parse_caught_by(names: &str) -> Vec<String> {
    names
        .split(',')
        .map(|n| n.trim().trim_matches('`').trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// A known-wrong solution must not pass, and every test its header names
/// must fail on it.
pub fn wrong_verdict(wrong: &SolutionFile, result: &KataResult) -> Result<(), String> {
    if result.status == KataStatus::Passed {
        return Err(format!(
            "wrong/{}.rs PASSES, so the tests miss this mistake: {}",
            wrong.name,
            wrong.what.as_deref().unwrap_or("?")
        ));
    }
    let mut problems = Vec::new();
    for caught_by in &wrong.caught_by {
        let test = result
            .tests
            .iter()
            .find(|t| t.name == *caught_by || t.name.ends_with(&format!("::{caught_by}")));
        match test {
            None => problems.push(format!(
                "wrong/{}.rs names `{caught_by}` as a test that catches it, but no such test ran ({})",
                wrong.name,
                result.status.code()
            )),
            Some(t) if t.status == TestStatus::Passed => problems.push(format!(
                "wrong/{}.rs is not caught by `{caught_by}`, which passes (the kata failed elsewhere: {})",
                wrong.name,
                first_failure(result)
            )),
            Some(_) => {}
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n  - ")),
    }
}

/// A correct solution written in another style must pass every test: a
/// test it fails asks for more than the kata does (a layout, a combinator,
/// an order of effects the README does not require).
pub fn right_verdict(right: &SolutionFile, result: &KataResult) -> Result<(), String> {
    if result.status == KataStatus::Passed {
        return Ok(());
    }
    let style = right.what.as_deref().unwrap_or("?");
    if result.status == KataStatus::CompileError || result.tests.is_empty() {
        return Err(format!(
            "right/{}.rs, a correct solution in another style ({style}), does not build \
             against the tests ({}): {}",
            right.name,
            result.status.code(),
            first_failure(result)
        ));
    }
    let failing: Vec<String> = result
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| {
            format!(
                "right/{}.rs, a correct solution in another style ({style}), fails test {}: the \
                 tests are stricter than the kata asks. It said: {}",
                right.name,
                t.name,
                t.message.lines().next().unwrap_or("")
            )
        })
        .collect();
    Err(failing.join("\n  - "))
}

/// The tests the starter passes, when that differs from what `kata.toml`
/// says it does; the problem prints the line to paste.
pub fn starter_problem(kata_id: &str, listed: &[String], stub: &KataResult) -> Option<String> {
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let actual = starter_passes(stub);
    let actual: BTreeSet<&str> = actual.iter().map(String::as_str).collect();
    if listed == actual {
        return None;
    }
    let unlisted: Vec<&str> = actual.difference(&listed).copied().collect();
    let not_passing: Vec<&str> = listed.difference(&actual).copied().collect();
    let mut what = Vec::new();
    if !unlisted.is_empty() {
        what.push(format!(
            "the starter code passes {} that kata.toml does not list ({})",
            plural(unlisted.len(), "test"),
            unlisted.join(", ")
        ));
    }
    if !not_passing.is_empty() {
        what.push(format!(
            "kata.toml lists {} that the starter code does not pass ({})",
            plural(not_passing.len(), "test"),
            not_passing.join(", ")
        ));
    }
    Some(format!(
        "passes_on_starter is out of date: {}. Those tests earn no points, so the list must be \
         exact. Put this line in katas/{kata_id}/kata.toml (above any [table]):\n      {}",
        what.join("; "),
        passes_on_starter_line(&actual.into_iter().collect::<Vec<_>>())
    ))
}

/// The tests the stub passes, sorted.
pub fn starter_passes(stub: &KataResult) -> Vec<String> {
    let mut passed: Vec<String> = stub
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Passed)
        .map(|t| t.name.clone())
        .collect();
    passed.sort();
    passed
}

/// `passes_on_starter = ["grading::a", "grading::b"]`, as TOML writes it.
pub fn passes_on_starter_line(tests: &[&str]) -> String {
    let quoted: Vec<String> = tests
        .iter()
        .map(|t| toml::Value::String(t.to_string()).to_string())
        .collect();
    format!("passes_on_starter = [{}]", quoted.join(", "))
}

pub fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

pub fn first_failure(result: &KataResult) -> String {
    if let Some(diagnostic) = result.diagnostics.first() {
        return diagnostic.lines().next().unwrap_or("").to_string();
    }
    result
        .tests
        .iter()
        .find(|t| t.status != TestStatus::Passed)
        .map(|t| format!("{} — {}", t.name, t.message.lines().next().unwrap_or("")))
        .unwrap_or_else(|| "no tests ran".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::tests::result;
    use TestStatus::{Failed, NotRun, Passed, TimedOut};

    fn wrong(caught_by: &str) -> SolutionFile {
        SolutionFile {
            path: "wrong/w.rs".into(),
            name: "w".into(),
            what: Some("awaits first".into()),
            caught_by: parse_caught_by(caught_by),
        }
    }

    #[test]
    fn caught_by_may_name_several_tests_and_each_must_fail() {
        assert_eq!(
            parse_caught_by(" a, grading::b ,`c`,"),
            ["a", "grading::b", "c"]
        );
        let run = result(
            KataStatus::Failed,
            &[
                ("grading::a", Failed),
                ("grading::b", TimedOut),
                ("grading::c", Passed),
            ],
        );
        assert_eq!(wrong_verdict(&wrong("a, grading::b"), &run), Ok(()));
        let err = wrong_verdict(&wrong("a, c, missing"), &run).unwrap_err();
        assert!(err.contains("not caught by `c`, which passes"), "{err}");
        assert!(err.contains("names `missing`"), "{err}");
        assert!(!err.contains("`a`"), "{err}");
    }

    #[test]
    fn a_wrong_solution_that_passes_is_a_miss() {
        let run = result(KataStatus::Passed, &[("grading::a", Passed)]);
        let err = wrong_verdict(&wrong("a"), &run).unwrap_err();
        assert!(
            err.contains("PASSES") && err.contains("awaits first"),
            "{err}"
        );
    }

    #[test]
    fn a_right_solution_must_pass_every_test() {
        let right = SolutionFile {
            path: "right/r.rs".into(),
            name: "r".into(),
            what: Some("with FuturesUnordered".into()),
            caught_by: Vec::new(),
        };
        let passed = result(KataStatus::Passed, &[("grading::a", Passed)]);
        assert_eq!(right_verdict(&right, &passed), Ok(()));
        let failed = result(
            KataStatus::Failed,
            &[("grading::a", Passed), ("grading::b", Failed)],
        );
        let err = right_verdict(&right, &failed).unwrap_err();
        assert!(
            err.starts_with(
                "right/r.rs, a correct solution in another style (with FuturesUnordered), \
                 fails test grading::b: the tests are stricter than the kata asks"
            ),
            "{err}"
        );
        let broken = result(KataStatus::CompileError, &[("grading", NotRun)]);
        assert!(
            right_verdict(&right, &broken)
                .unwrap_err()
                .contains("does not build")
        );
    }

    #[test]
    fn passes_on_starter_must_list_exactly_what_the_starter_passes() {
        let stub = result(
            KataStatus::Failed,
            &[
                ("grading::a", Passed),
                ("grading::b", Failed),
                ("grading::c", Passed),
            ],
        );
        let listed = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            starter_problem("10-fan-in", &listed(&["grading::c", "grading::a"]), &stub),
            None
        );
        let problem =
            starter_problem("10-fan-in", &listed(&["grading::a", "grading::b"]), &stub).unwrap();
        assert!(
            problem.contains("passes 1 test that kata.toml does not list (grading::c)"),
            "{problem}"
        );
        assert!(
            problem.contains("lists 1 test that the starter code does not pass (grading::b)"),
            "{problem}"
        );
        assert!(
            problem.ends_with(
                "katas/10-fan-in/kata.toml (above any [table]):\n      \
                 passes_on_starter = [\"grading::a\", \"grading::c\"]"
            ),
            "{problem}"
        );
        // A missing field is an empty list: a todo stub passes nothing.
        let todo = result(KataStatus::NotStarted, &[("grading::a!todo", Failed)]);
        assert_eq!(starter_problem("07-timeout", &[], &todo), None);
    }
}
