//! What cargo-mutants found, read from its `outcomes.json` and judged
//! against the equivalent mutants a kata records. Pure functions of text.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use serde::Deserialize;
use toml::Value;

use super::{Mutant, Outcome, Score};
use crate::course::kata_file::{EquivalentMutant, without_location};

/// The parts of `outcomes.json` this reads (cargo-mutants 27).
#[derive(Deserialize)]
struct Outcomes {
    outcomes: Vec<ScenarioOutcome>,
}

#[derive(Deserialize)]
struct ScenarioOutcome {
    scenario: Scenario,
    summary: String,
    #[serde(default)]
    log_path: Option<String>,
    #[serde(default)]
    diff_path: Option<String>,
}

#[derive(Deserialize)]
enum Scenario {
    Baseline,
    Mutant(MutantScenario),
}

#[derive(Deserialize)]
struct MutantScenario {
    name: String,
}

/// What one run of cargo-mutants says.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The unmutated tests passed (else no mutant was tested).
    pub baseline_passed: bool,
    /// The baseline's log, relative to `mutants.out`.
    pub baseline_log: Option<String>,
    pub mutants: Vec<Mutant>,
    /// Mutants cargo-mutants could not judge (`Success`/`Failure` outcomes).
    pub unjudged: Vec<String>,
}

/// Reads `mutants.out/outcomes.json`; `read_diff` gives the text of a diff
/// file named relative to `mutants.out`.
pub fn parse_outcomes(json: &str, read_diff: impl Fn(&str) -> Option<String>) -> Result<Parsed> {
    let outcomes: Outcomes = serde_json::from_str(json)
        .context("cargo-mutants' outcomes.json is not in the format of cargo-mutants 27")?;
    let mut parsed = Parsed {
        baseline_passed: true,
        baseline_log: None,
        mutants: Vec::new(),
        unjudged: Vec::new(),
    };
    for outcome in outcomes.outcomes {
        match outcome.scenario {
            Scenario::Baseline => {
                parsed.baseline_passed = outcome.summary == "Success";
                parsed.baseline_log = outcome.log_path;
            }
            Scenario::Mutant(mutant) => {
                let full = mutant.name;
                let name = without_location(&full).unwrap_or(&full).to_string();
                let location = full
                    .strip_suffix(&name)
                    .map(|l| l.trim_end_matches(": ").to_string())
                    .unwrap_or_default();
                let outcome_kind = match outcome.summary.as_str() {
                    "CaughtMutant" => Outcome::Caught,
                    "MissedMutant" => Outcome::Missed,
                    "Timeout" => Outcome::Timeout,
                    "Unviable" => Outcome::Unviable,
                    other => {
                        parsed.unjudged.push(format!("{full} ({other})"));
                        continue;
                    }
                };
                parsed.mutants.push(Mutant {
                    name,
                    location,
                    outcome: outcome_kind,
                    diff: outcome.diff_path.as_deref().and_then(&read_diff),
                });
            }
        }
    }
    Ok(parsed)
}

/// Scores `mutants` against the kata's recorded equivalents, with a
/// problem for every missed mutant not recorded and every entry that does
/// not (or no longer) describe a surviving mutant.
pub fn judge(
    kata_id: &str,
    mutants: &[Mutant],
    equivalents: &[EquivalentMutant],
) -> (Score, Vec<String>) {
    let mut score = Score {
        generated: mutants.len(),
        ..Score::default()
    };
    let mut problems = Vec::new();
    let recorded = |name: &str| equivalents.iter().any(|e| e.mutant.trim() == name);
    for mutant in mutants {
        match mutant.outcome {
            Outcome::Caught => score.caught += 1,
            Outcome::Timeout => score.timeout += 1,
            Outcome::Unviable => score.unviable += 1,
            Outcome::Missed if recorded(&mutant.name) => score.equivalent += 1,
            Outcome::Missed => {
                score.missed += 1;
                problems.push(missed_problem(kata_id, mutant));
            }
        }
    }
    for entry in equivalents {
        let name = entry.mutant.trim();
        let matching: Vec<&Mutant> = mutants.iter().filter(|m| m.name == name).collect();
        let entry_text = format!("[[equivalent_mutants]] \"{name}\" in katas/{kata_id}/kata.toml");
        if matching.is_empty() {
            problems.push(format!(
                "{entry_text} is stale: cargo-mutants no longer generates that mutant from the \
                 reference solution (it was renamed or its code is gone). Delete the entry, or \
                 update it to the mutant's current name."
            ));
        } else if matching.iter().all(|m| m.outcome != Outcome::Missed) {
            let why = match matching.iter().all(|m| m.outcome == Outcome::Unviable) {
                true => "does not compile (unviable), so it needs no entry",
                false => "is caught by the tests, so it is not equivalent after all",
            };
            problems.push(format!("{entry_text} {why}: delete the entry."));
        }
    }
    (score, problems)
}

/// What to do about a mutant no test caught.
fn missed_problem(kata_id: &str, mutant: &Mutant) -> String {
    let mut text = format!(
        "a mutant of the reference solution survives: no test fails when {} is changed to \
         `{}`",
        mutant.location, mutant.name
    );
    match mutant.diff.as_deref().map(compact_diff) {
        Some(lines) if !lines.is_empty() => {
            text.push(':');
            for line in lines {
                let _ = write!(text, "\n        {line}");
            }
        }
        _ => text.push('.'),
    }
    let quoted = Value::String(mutant.name.clone()).to_string();
    let _ = write!(
        text,
        "\n      Write a test that fails on it: usually this is behaviour the tests do not check. \
         Only if the change truly cannot alter what the code does (an equivalent mutant), \
         record why in katas/{kata_id}/kata.toml:\n        [[equivalent_mutants]]\n        \
         mutant = {quoted}\n        why = \"<why no test can tell it from the reference solution>\""
    );
    text
}

/// The changed lines of a unified diff with two lines of context around
/// them (cargo-mutants writes many), at most 30 lines, `…` where lines
/// were left out.
fn compact_diff(diff: &str) -> Vec<String> {
    const CONTEXT: usize = 2;
    const SHOWN: usize = 30;
    let lines: Vec<&str> = diff
        .lines()
        .filter(|l| !l.starts_with("--- ") && !l.starts_with("+++ ") && !l.starts_with("@@"))
        .collect();
    let changed: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('-') || lines[i].starts_with('+'))
        .collect();
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= CONTEXT);
    let mut out = Vec::new();
    let mut skipped = false;
    for (i, line) in lines.iter().enumerate() {
        if near(i) {
            if skipped && !out.is_empty() {
                out.push("…".to_string());
            }
            skipped = false;
            out.push(line.to_string());
        } else {
            skipped = true;
        }
    }
    if out.len() > SHOWN {
        let more = out.len() - SHOWN;
        out.truncate(SHOWN);
        out.push(format!("… ({more} more lines)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An outcomes.json as cargo-mutants 27.1.0 writes it (trimmed).
    const OUTCOMES: &str = r#"{"outcomes": [
        {"scenario": "Baseline", "summary": "Success", "log_path": "log/baseline.log", "diff_path": null, "phase_results": []},
        {"scenario": {"Mutant": {"name": "src/lib.rs:24:9: replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())", "package": "kata-07-timeout", "file": "src/lib.rs", "genre": "FnValue"}},
         "summary": "MissedMutant", "log_path": "log/a.log", "diff_path": "diff/a.diff", "phase_results": []},
        {"scenario": {"Mutant": {"name": "src/lib.rs:48:5: replace with_timeout -> Result<F::Output, TimedOut> with Ok(Default::default())"}},
         "summary": "Unviable", "log_path": "log/b.log", "diff_path": "diff/b.diff", "phase_results": []},
        {"scenario": {"Mutant": {"name": "src/lib.rs:61:5: replace first_within -> Vec<Option<T>> with vec![]"}},
         "summary": "CaughtMutant", "log_path": "log/c.log", "diff_path": "diff/c.diff", "phase_results": []},
        {"scenario": {"Mutant": {"name": "src/lib.rs:70:9: replace loop_forever with ()"}},
         "summary": "Timeout", "log_path": "log/d.log", "diff_path": null, "phase_results": []}
    ], "total_mutants": 4, "missed": 1, "caught": 1, "timeout": 1, "unviable": 1, "success": 0}"#;

    fn parsed() -> Parsed {
        parse_outcomes(OUTCOMES, |path| {
            (path == "diff/a.diff").then(|| {
                "--- src/lib.rs\n+++ replace …\n@@ -22,3 +22,3 @@\n-        write!(f, \"timed out\")\n+        Ok(Default::default())\n".to_string()
            })
        })
        .unwrap()
    }

    #[test]
    fn outcomes_are_read_into_caught_timeout_unviable_and_missed() {
        let parsed = parsed();
        assert!(parsed.baseline_passed);
        assert_eq!(parsed.baseline_log.as_deref(), Some("log/baseline.log"));
        let outcomes: Vec<(&str, &str, Outcome)> = parsed
            .mutants
            .iter()
            .map(|m| (m.location.as_str(), m.name.as_str(), m.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                (
                    "src/lib.rs:24:9",
                    "replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())",
                    Outcome::Missed
                ),
                (
                    "src/lib.rs:48:5",
                    "replace with_timeout -> Result<F::Output, TimedOut> with Ok(Default::default())",
                    Outcome::Unviable
                ),
                (
                    "src/lib.rs:61:5",
                    "replace first_within -> Vec<Option<T>> with vec![]",
                    Outcome::Caught
                ),
                (
                    "src/lib.rs:70:9",
                    "replace loop_forever with ()",
                    Outcome::Timeout
                ),
            ]
        );
        assert!(parsed.mutants[0].diff.is_some() && parsed.mutants[2].diff.is_none());
        let failed = OUTCOMES.replace(r#""summary": "Success""#, r#""summary": "Failure""#);
        assert!(!parse_outcomes(&failed, |_| None).unwrap().baseline_passed);
    }

    fn equivalent(mutant: &str) -> EquivalentMutant {
        EquivalentMutant {
            mutant: mutant.into(),
            why: "it cannot change anything".into(),
        }
    }

    #[test]
    fn a_missed_mutant_is_a_problem_that_shows_the_change_and_the_entry_to_record() {
        let (score, problems) = judge("07-timeout", &parsed().mutants, &[]);
        assert_eq!(
            score,
            Score {
                generated: 4,
                caught: 1,
                timeout: 1,
                unviable: 1,
                equivalent: 0,
                missed: 1
            }
        );
        assert_eq!(score.percent(), Some(66));
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        assert!(
            problem.starts_with("a mutant of the reference solution survives: no test fails when src/lib.rs:24:9 is changed to `replace <impl fmt::Display for TimedOut>::fmt"),
            "{problem}"
        );
        assert!(
            problem.contains("\n        +        Ok(Default::default())"),
            "{problem}"
        );
        assert!(
            !problem.contains("+++") && !problem.contains("@@"),
            "{problem}"
        );
        assert!(
            problem.contains(
                "katas/07-timeout/kata.toml:\n        [[equivalent_mutants]]\n        mutant = \"replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())\"\n        why = "
            ),
            "{problem}"
        );
    }

    #[test]
    fn a_diff_is_cut_down_to_the_change_and_two_lines_around_it() {
        let mut diff = String::from("--- src/lib.rs\n+++ replace\n@@ -1,20 +1,20 @@\n");
        for i in 0..8 {
            diff.push_str(&format!(" before {i}\n"));
        }
        diff.push_str("-    a * b\n+    a + b\n");
        for i in 0..8 {
            diff.push_str(&format!(" after {i}\n"));
        }
        assert_eq!(
            compact_diff(&diff),
            [
                " before 6",
                " before 7",
                "-    a * b",
                "+    a + b",
                " after 0",
                " after 1"
            ]
        );
    }

    #[test]
    fn a_recorded_equivalent_mutant_is_counted_and_not_a_problem() {
        let recorded = [equivalent(
            "replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())",
        )];
        let (score, problems) = judge("07-timeout", &parsed().mutants, &recorded);
        assert_eq!((score.equivalent, score.missed), (1, 0));
        assert_eq!(score.percent(), Some(100));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn an_entry_that_matches_no_surviving_mutant_is_a_problem() {
        let entries = [
            equivalent("replace double_after -> u64 with 7"),
            equivalent("replace first_within -> Vec<Option<T>> with vec![]"),
            equivalent(
                "replace with_timeout -> Result<F::Output, TimedOut> with Ok(Default::default())",
            ),
        ];
        let (_, problems) = judge("07-timeout", &parsed().mutants, &entries);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems[1].contains(
                "\"replace double_after -> u64 with 7\" in katas/07-timeout/kata.toml is stale"
            ),
            "{}",
            problems[1]
        );
        assert!(
            problems[2].contains("is caught by the tests, so it is not equivalent"),
            "{}",
            problems[2]
        );
        assert!(
            problems[3].contains("does not compile (unviable), so it needs no entry"),
            "{}",
            problems[3]
        );
    }
}
