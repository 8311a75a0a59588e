//! How `verify` shows what it found: a table for people, JSON for machines.
//!
//! Both read the same [`KataCheck`]s, so the two never disagree. The JSON
//! shape is documented in docs/instructors.md ("The instructor's check"); like the
//! grading report's, its fields may grow but never change meaning.

use std::fmt::Write as _;

use serde::Serialize;

use super::KataCheck;
use super::proof::TestProof;
use crate::ui::{BOLD, DIM, GREEN, RED};
use crate::verdict::KataStatus;

/// Whether every kata checked is sound.
pub fn all_sound(checks: &[KataCheck]) -> bool {
    checks.iter().all(KataCheck::sound)
}

/// The table, the summary line, each kata's proofs when `detail` (the
/// katas were named), then every problem with what to do about it.
pub fn human(checks: &[KataCheck], detail: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{BOLD}Instructor check: every stub fails, every solution passes, every known-wrong \
         solution fails, every test is proven{BOLD:#}"
    );
    let mut sources: Vec<&str> = checks.iter().map(|c| c.stub_from.as_str()).collect();
    sources.sort();
    sources.dedup();
    let _ = writeln!(
        out,
        "{DIM}Stubs graded from {}: an edited katas/*/src file is never what verify grades, \
         unless git does not have the kata yet.{DIM:#}\n",
        sources.join(" and ")
    );
    let _ = writeln!(
        out,
        "  {:<26} {:<14} {:<14} {:<6} {:<6} {:<9} ok",
        "kata", "stub", "solution", "wrong", "right", "unproven"
    );
    for check in checks {
        let (mark, style) = if check.sound() {
            ("✓", GREEN)
        } else {
            ("✗", RED)
        };
        let unproven = match &check.proofs {
            Some(_) => check.unproven().len().to_string(),
            None => "-".into(),
        };
        let _ = writeln!(
            out,
            "  {:<26} {:<14} {:<14} {:<6} {:<6} {:<9} {style}{mark}{style:#}",
            check.kata.id,
            check.stub.map(KataStatus::code).unwrap_or("-"),
            check.solution.map(KataStatus::code).unwrap_or("-"),
            format!("{}/{}", check.wrong_caught(), check.wrongs.len()),
            format!("{}/{}", check.right_passed(), check.rights.len()),
            unproven,
        );
    }
    let summary = Summary::of(checks);
    let _ = writeln!(
        out,
        "\n{}/{} katas sound, {}/{} known-wrong solutions caught, {} unproven {}, {}/{} \
         right solutions pass",
        summary.sound,
        summary.katas,
        summary.wrong_caught,
        summary.wrong_total,
        summary.unproven,
        if summary.unproven == 1 {
            "test"
        } else {
            "tests"
        },
        summary.right_passed,
        summary.right_total,
    );
    if checks.iter().any(|c| c.mutants.is_some()) {
        mutants_table(&mut out, checks);
    }
    if detail {
        for check in checks {
            proofs_detail(&mut out, check);
        }
    }
    for check in checks.iter().filter(|c| !c.sound()) {
        let _ = writeln!(out, "\n{RED}{}{RED:#}", check.kata.id);
        for problem in &check.problems {
            let _ = writeln!(out, "  - {problem}");
        }
    }
    out
}

/// Each kata's mutation score, and the totals.
fn mutants_table(out: &mut String, checks: &[KataCheck]) {
    let _ = writeln!(
        out,
        "\n{BOLD}Mutants of the reference solutions (cargo-mutants {}){BOLD:#}\n",
        super::mutants::VERSION
    );
    let _ = writeln!(
        out,
        "  {:<26} {:>7} {:>7} {:>7} {:>8} {:>10} {:>7} {:>6} {:>6}",
        "kata", "mutants", "caught", "timeout", "unviable", "equivalent", "missed", "score", "time"
    );
    let total = super::mutants::Score::sum(
        checks
            .iter()
            .filter_map(|c| c.mutants.as_ref().map(|m| &m.score)),
    );
    let seconds: u64 = checks
        .iter()
        .filter_map(|c| c.mutants.as_ref())
        .map(|m| m.seconds)
        .sum();
    for check in checks {
        let Some(found) = &check.mutants else {
            let _ = writeln!(out, "  {:<26} {DIM}not tested{DIM:#}", check.kata.id);
            continue;
        };
        let s = &found.score;
        let style = if s.missed == 0 { GREEN } else { RED };
        let _ = writeln!(
            out,
            "  {:<26} {:>7} {:>7} {:>7} {:>8} {:>10} {style}{:>7}{style:#} {:>6} {:>5}s",
            check.kata.id,
            s.generated,
            s.caught,
            s.timeout,
            s.unviable,
            s.equivalent,
            s.missed,
            score_text(s),
            found.seconds
        );
    }
    let _ = writeln!(
        out,
        "  {:<26} {:>7} {:>7} {:>7} {:>8} {:>10} {:>7} {:>6} {:>5}s",
        "total",
        total.generated,
        total.caught,
        total.timeout,
        total.unviable,
        total.equivalent,
        total.missed,
        score_text(&total),
        seconds
    );
    let _ = writeln!(
        out,
        "\n{} mutants: {} caught, {} timed out, {} unviable, {} equivalent, {} missed",
        total.generated,
        total.caught,
        total.timeout,
        total.unviable,
        total.equivalent,
        total.missed
    );
}

/// `96%`: caught or timed out, among the mutants that compile and are not
/// recorded as equivalent.
fn score_text(score: &super::mutants::Score) -> String {
    score
        .percent()
        .map_or_else(|| "-".to_string(), |p| format!("{p}%"))
}

/// One kata's tests, each with what makes it fail; then its correct
/// solutions in other styles and what the starter passes.
fn proofs_detail(out: &mut String, check: &KataCheck) {
    let _ = writeln!(
        out,
        "\n{BOLD}{} · {}{BOLD:#}: what makes each test fail",
        check.kata.id, check.kata.meta.title
    );
    match &check.proofs {
        None => {
            let _ = writeln!(
                out,
                "  {DIM}(not known: the reference solution did not run its tests){DIM:#}"
            );
        }
        Some(proofs) => {
            for TestProof { test, proven_by } in proofs {
                if proven_by.is_empty() {
                    let _ = writeln!(out, "  {RED}✗{RED:#} {test}  {RED}unproven{RED:#}");
                } else {
                    let _ = writeln!(
                        out,
                        "  {GREEN}✓{GREEN:#} {test}  {DIM}←{DIM:#} {}",
                        proven_by.join(", ")
                    );
                }
            }
        }
    }
    for right in &check.rights {
        let (mark, style, verdict) = match right.passed {
            true => ("✓", GREEN, "passes"),
            false => ("✗", RED, "FAILS"),
        };
        let _ = writeln!(
            out,
            "  {style}{mark}{style:#} right/{}.rs ({}) {verdict}",
            right.name,
            right.style.as_deref().unwrap_or("?")
        );
    }
    let _ = writeln!(
        out,
        "  {DIM}the starter code passes: {}{DIM:#}",
        match check.starter_passes.is_empty() {
            true => "nothing".to_string(),
            false => check.starter_passes.join(", "),
        }
    );
}

#[derive(Serialize)]
struct Summary {
    katas: usize,
    sound: usize,
    wrong_caught: usize,
    wrong_total: usize,
    right_passed: usize,
    right_total: usize,
    unproven: usize,
    /// `verify --mutants` only: the katas' mutation scores added up.
    #[serde(skip_serializing_if = "Option::is_none")]
    mutants: Option<super::mutants::Score>,
}

impl Summary {
    fn of(checks: &[KataCheck]) -> Summary {
        Summary {
            katas: checks.len(),
            sound: checks.iter().filter(|c| c.sound()).count(),
            wrong_caught: checks.iter().map(KataCheck::wrong_caught).sum(),
            wrong_total: checks.iter().map(|c| c.wrongs.len()).sum(),
            right_passed: checks.iter().map(KataCheck::right_passed).sum(),
            right_total: checks.iter().map(|c| c.rights.len()).sum(),
            unproven: checks.iter().map(|c| c.unproven().len()).sum(),
            mutants: checks.iter().any(|c| c.mutants.is_some()).then(|| {
                super::mutants::Score::sum(
                    checks
                        .iter()
                        .filter_map(|c| c.mutants.as_ref().map(|m| &m.score)),
                )
            }),
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    ok: bool,
    katas: Vec<KataJson<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct KataJson<'a> {
    id: &'a str,
    kind: crate::course::kata_file::KataKind,
    sound: bool,
    /// Where the graded stub came from (`git (origin/main)`, or the
    /// working tree for a kata not in git yet).
    stub_from: &'a str,
    stub: Option<&'static str>,
    solution: Option<&'static str>,
    wrong: Wrongs<'a>,
    right: Rights<'a>,
    /// What the untouched starter code passes (what `passes_on_starter`
    /// in kata.toml must list).
    starter_passes: &'a [String],
    /// `null` when the reference solution did not run its tests.
    tests: Option<&'a [TestProof]>,
    unproven: Vec<&'a str>,
    /// `verify --mutants` only: the mutation score and every mutant.
    #[serde(skip_serializing_if = "Option::is_none")]
    mutants: Option<&'a super::mutants::KataMutants>,
    problems: &'a [String],
}

#[derive(Serialize)]
struct Wrongs<'a> {
    caught: usize,
    total: usize,
    solutions: Vec<WrongJson<'a>>,
}

#[derive(Serialize)]
struct Rights<'a> {
    passed: usize,
    total: usize,
    solutions: Vec<RightJson<'a>>,
}

#[derive(Serialize)]
struct WrongJson<'a> {
    name: &'a str,
    what: Option<&'a str>,
    caught_by: &'a [String],
    caught: bool,
}

#[derive(Serialize)]
struct RightJson<'a> {
    name: &'a str,
    style: Option<&'a str>,
    passed: bool,
}

/// `verify --format json`.
pub fn json(checks: &[KataCheck]) -> String {
    let katas = checks
        .iter()
        .map(|check| KataJson {
            id: &check.kata.id,
            kind: check.kata.meta.kind,
            sound: check.sound(),
            stub_from: &check.stub_from,
            stub: check.stub.map(KataStatus::code),
            solution: check.solution.map(KataStatus::code),
            wrong: Wrongs {
                caught: check.wrong_caught(),
                total: check.wrongs.len(),
                solutions: check
                    .wrongs
                    .iter()
                    .map(|w| WrongJson {
                        name: &w.name,
                        what: w.what.as_deref(),
                        caught_by: &w.caught_by,
                        caught: w.caught,
                    })
                    .collect(),
            },
            right: Rights {
                passed: check.right_passed(),
                total: check.rights.len(),
                solutions: check
                    .rights
                    .iter()
                    .map(|r| RightJson {
                        name: &r.name,
                        style: r.style.as_deref(),
                        passed: r.passed,
                    })
                    .collect(),
            },
            starter_passes: &check.starter_passes,
            tests: check.proofs.as_deref(),
            unproven: check.unproven(),
            mutants: check.mutants.as_ref(),
            problems: &check.problems,
        })
        .collect();
    let report = Report {
        version: 1,
        ok: all_sound(checks),
        katas,
        summary: Summary::of(checks),
    };
    serde_json::to_string_pretty(&report).expect("the report is plain data")
}
