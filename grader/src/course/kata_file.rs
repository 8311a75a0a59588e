//! The per-kata metadata file, `kata.toml`.
//!
//! Everything the grader needs to know about a kata that is not code lives
//! here: its title, where it sits in the curriculum, the hints, and how long
//! its tests may take. A typo in this file must not turn into a confusing
//! failure later, so parsing is strict (unknown fields are errors) and every
//! error names the file and the field.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// Default wall-clock limit for one test process. Paused-clock tests finish
/// in milliseconds; a test still running after this has blocked its thread.
pub const DEFAULT_TIME_LIMIT_SECS: u64 = 2;

/// What a kata is worth in GitHub Classroom (`--format classroom`) unless
/// its `kata.toml` says otherwise.
pub const DEFAULT_POINTS: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KataKind {
    /// The stub has `todo!()` bodies to fill in.
    Todo,
    /// The stub runs but is wrong in the way the kata is about.
    Fix,
    /// The learner writes the tests (`src/lib.rs` is their test file): they
    /// must pass on the course's implementation and catch every mutant of it.
    Tests,
}

impl KataKind {
    /// As `kata.toml` and the curriculum table spell it.
    pub fn code(self) -> &'static str {
        match self {
            KataKind::Todo => "todo",
            KataKind::Fix => "fix",
            KataKind::Tests => "tests",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KataFile {
    pub title: String,
    pub chapter: u32,
    pub kind: KataKind,
    #[serde(default)]
    pub summary: String,
    pub hints: Vec<String>,
    /// Shown with the reference solution once the kata is passed: what the
    /// learner now knows, in a few sentences.
    #[serde(default)]
    pub learned: String,
    /// Shown with it too: the mistakes people make about this kata's idea.
    #[serde(default)]
    pub common_mistakes: Vec<String>,
    /// Wall-clock limit for each test process of this kata, in seconds.
    pub time_limit_secs: Option<u64>,
    /// Per test target limits, for suites that compile code (trybuild).
    #[serde(default)]
    pub target_time_limits: BTreeMap<String, u64>,
    /// Points in GitHub Classroom, shared out by the tests that pass.
    pub points: Option<u32>,
    /// The tests (`target::name`) that the untouched starter code already
    /// passes. They earn no points, and `verify` checks the list is exact.
    #[serde(default)]
    pub passes_on_starter: Vec<String>,
    /// What a solution of this kata may do that trusted grading otherwise
    /// reports as suspicious, by pattern name (`verify` checks the names):
    /// `["file writes"]` for a kata about files.
    #[serde(default)]
    pub allow_in_src: Vec<String>,
    /// Mutants of the reference solution that no test can catch because
    /// they do not change what the code does (`verify --mutants`).
    #[serde(default)]
    pub equivalent_mutants: Vec<EquivalentMutant>,
}

/// `[[equivalent_mutants]]`: a mutant of the reference solution that
/// behaves exactly like it, and why.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EquivalentMutant {
    /// cargo-mutants' name for it, without its `src/lib.rs:LINE:COL: `
    /// prefix (so the entry survives edits that move lines).
    pub mutant: String,
    /// Why no test can tell it from the reference solution.
    pub why: String,
}

impl KataFile {
    pub fn load(path: &Path) -> Result<KataFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the kata file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("the kata file {} is malformed", path.display()))
    }

    pub fn parse(text: &str) -> Result<KataFile> {
        // toml's errors already name the offending field and show the line.
        let file: KataFile = toml::from_str(text)?;
        if file.title.trim().is_empty() {
            bail!("field `title` is empty");
        }
        if file.hints.is_empty() {
            bail!("field `hints` is empty: give the learner at least one hint");
        }
        if file.points == Some(0) {
            bail!("field `points` must be at least 1");
        }
        if file.time_limit_secs == Some(0) {
            bail!("field `time_limit_secs` must be at least 1");
        }
        if let Some((target, _)) = file.target_time_limits.iter().find(|(_, secs)| **secs == 0) {
            bail!("field `target_time_limits.{target}` must be at least 1");
        }
        let mut seen = std::collections::BTreeSet::new();
        for test in &file.passes_on_starter {
            if !test.contains("::") {
                bail!(
                    "field `passes_on_starter`: `{test}` is not a test name; write it as \
                     `<test file>::<test function>`, e.g. \"grading::{test}\""
                );
            }
            if !seen.insert(test) {
                bail!("field `passes_on_starter` lists `{test}` twice");
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for entry in &file.equivalent_mutants {
            let mutant = entry.mutant.trim();
            if mutant.is_empty() {
                bail!("an [[equivalent_mutants]] entry has an empty `mutant`");
            }
            if let Some(name) = without_location(mutant) {
                bail!(
                    "[[equivalent_mutants]] `{mutant}`: leave out the location, so the entry \
                     survives edits that move lines: mutant = \"{name}\""
                );
            }
            if entry.why.trim().is_empty() {
                bail!(
                    "[[equivalent_mutants]] `{mutant}` has no `why`: say why no test can tell \
                     it from the reference solution"
                );
            }
            if !seen.insert(mutant) {
                bail!("[[equivalent_mutants]] lists `{mutant}` twice");
            }
        }
        Ok(file)
    }

    /// The wall-clock limit of each test in `target`: the target's own
    /// limit, else the kata's, else [`DEFAULT_TIME_LIMIT_SECS`].
    pub fn time_limit(&self, target: &str) -> std::time::Duration {
        let secs = self
            .target_time_limits
            .get(target)
            .copied()
            .or(self.time_limit_secs)
            .unwrap_or(DEFAULT_TIME_LIMIT_SECS);
        std::time::Duration::from_secs(secs)
    }

    /// Whether `target`'s tests are first tried together in one process. A
    /// target with a limit of its own is slow on purpose (a trybuild suite
    /// compiles): it would only outrun the budget of a run together.
    pub fn may_run_together(&self, target: &str) -> bool {
        !self.target_time_limits.contains_key(target)
    }
}

/// The value of `//! KEY value` in a course file's leading comment block:
/// what a known-wrong solution gets wrong (`Wrong:`), what a tests kata's
/// mutant does (`Mutant:`).
pub fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| {
            l.trim_start_matches('/')
                .trim_start_matches('!')
                .trim()
                .strip_prefix(key)
                .map(|v| v.trim().to_string())
        })
}

/// `src/lib.rs:24:9: replace f -> u32 with 0` → `replace f -> u32 with 0`;
/// `None` for a name without a location.
pub fn without_location(name: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(at) = name[from..].find(": ") {
        let prefix = &name[..from + at];
        let mut parts = prefix.rsplitn(3, ':');
        let (col, line, file) = (parts.next(), parts.next(), parts.next());
        let digits = |s: Option<&str>| {
            s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        };
        if digits(col) && digits(line) && file.is_some_and(|f| !f.is_empty() && !f.contains(' ')) {
            return Some(&name[from + at + 2..]);
        }
        from += at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_taken_off_the_name() {
        assert_eq!(
            without_location(
                "src/lib.rs:24:9: replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())"
            ),
            Some(
                "replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())"
            )
        );
        assert_eq!(
            without_location(
                "07-timeout/src/lib.rs:61:5: replace first_within -> Vec<Option<T>> with vec![]"
            ),
            Some("replace first_within -> Vec<Option<T>> with vec![]")
        );
        assert_eq!(without_location("replace == with != in tick_times"), None);
        assert_eq!(without_location("replace a: b with c"), None);
    }

    const GOOD: &str = r#"
title = "Implement a timeout"
chapter = 2
kind = "todo"
hints = ["one", "two"]
[target_time_limits]
compile_checks = 300
"#;

    #[test]
    fn parses_a_complete_file() {
        let file = KataFile::parse(GOOD).unwrap();
        assert_eq!(file.title, "Implement a timeout");
        assert_eq!(file.kind, KataKind::Todo);
        assert_eq!(file.target_time_limits["compile_checks"], 300);
        assert_eq!(file.time_limit_secs, None);
    }

    /// The whole error chain `text` is refused with.
    fn refusal(text: &str) -> String {
        format!("{:#}", KataFile::parse(text).unwrap_err())
    }

    #[test]
    fn a_wrong_type_an_unknown_or_a_missing_field_is_named() {
        let wrong_type = refusal(&GOOD.replace("chapter = 2", "chapter = \"two\""));
        assert!(wrong_type.contains("chapter"), "{wrong_type}");
        let unknown = refusal(&format!("hintz = []\n{GOOD}"));
        assert!(unknown.contains("hintz"), "{unknown}");
        let missing = refusal(&GOOD.replace("kind = \"todo\"", ""));
        assert!(missing.contains("kind"), "{missing}");
    }

    #[test]
    fn passes_on_starter_defaults_to_none_and_wants_full_names() {
        assert!(KataFile::parse(GOOD).unwrap().passes_on_starter.is_empty());
        let listed = format!("passes_on_starter = [\"grading::a\", \"grading::b\"]\n{GOOD}");
        assert_eq!(
            KataFile::parse(&listed).unwrap().passes_on_starter,
            ["grading::a", "grading::b"]
        );
        let bare = format!("passes_on_starter = [\"a\"]\n{GOOD}");
        let err = KataFile::parse(&bare).unwrap_err();
        assert!(format!("{err:#}").contains("grading::a"), "{err:#}");
        let twice = format!("passes_on_starter = [\"grading::a\", \"grading::a\"]\n{GOOD}");
        let err = KataFile::parse(&twice).unwrap_err();
        assert!(format!("{err:#}").contains("twice"), "{err:#}");
    }

    #[test]
    fn equivalent_mutants_need_a_name_without_its_location_and_a_reason() {
        let entry = |mutant: &str, why: &str| {
            format!("{GOOD}\n[[equivalent_mutants]]\nmutant = \"{mutant}\"\nwhy = \"{why}\"\n")
        };
        let file = KataFile::parse(&entry("replace f -> u32 with 0", "f is never called")).unwrap();
        assert_eq!(
            file.equivalent_mutants,
            [EquivalentMutant {
                mutant: "replace f -> u32 with 0".into(),
                why: "f is never called".into()
            }]
        );
        let located = KataFile::parse(&entry("src/lib.rs:4:5: replace f -> u32 with 0", "x"));
        let err = format!("{:#}", located.unwrap_err());
        assert!(
            err.contains("mutant = \"replace f -> u32 with 0\""),
            "{err}"
        );
        let err = format!(
            "{:#}",
            KataFile::parse(&entry("replace f", " ")).unwrap_err()
        );
        assert!(err.contains("no `why`"), "{err}");
        let typo = format!("{GOOD}\n[[equivalent_mutants]]\nmutant = \"m\"\nreason = \"r\"\n");
        let err = format!("{:#}", KataFile::parse(&typo).unwrap_err());
        assert!(err.contains("reason"), "{err}");
    }

    #[test]
    fn zero_time_limits_are_refused() {
        let err = KataFile::parse(&GOOD.replace("= 300", "= 0")).unwrap_err();
        assert!(format!("{err:#}").contains("compile_checks"), "{err:#}");
    }
}
