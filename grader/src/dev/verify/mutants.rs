//! `verify --mutants`: mutation testing of every reference solution against
//! its kata's own tests.
//!
//! Known-wrong solutions prove the mistakes their authors thought of. A
//! mutation tester thinks of others, mechanically: cargo-mutants changes
//! the reference solution in small ways (a function body replaced by a
//! default value, `*` turned into `+`, `==` into `!=`) and runs the kata's
//! tests on each change. A change that no test notices is a *missed*
//! mutant: either a test is missing, or the change cannot alter what the
//! code does (an *equivalent* mutant), which the kata's `kata.toml` must
//! then record with the reason, so that every survivor was looked at.
//!
//! cargo-mutants edits the source it tests (`--in-place`, which also lets
//! every mutant reuse one build of tokio), so it never runs on the
//! learner's files: each kata gets a scratch package under
//! `.grader/mutants/katas/NN-slug/` (the kata's manifest, tests, snapshots
//! and `kata.toml`, with the reference solution as `src/lib.rs`, as a
//! workspace of its own with the repository's dependency table, profiles
//! and `Cargo.lock`), built into `<target>/mutants/`, which persists between
//! runs. The tests run in the grader's pinned environment (`CI=true`,
//! `INSTA_UPDATE=no`, no `INSTA_FORCE_PASS`, no `TRYBUILD`), and under
//! cargo-mutants' wall-clock timeouts, so a mutant that loops forever is
//! killed and counts as caught ("timeout"). Its results are read from
//! `mutants.out/outcomes.json`; everything past that is pure (see tests).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::course::discover::{Kata, Repo};
use crate::course::kata_file::EquivalentMutant;
use crate::pipeline::overlay::{absolutize_paths, read_toml, write_if_changed};
use crate::pipeline::process::{run_limited, Exit};

/// The version `verify --mutants` installs and its output format is read as.
pub const VERSION: &str = "27.1.0";

/// The command that installs it, printed wherever it is needed.
pub fn install_command() -> String {
    format!("cargo install --locked cargo-mutants@{VERSION}")
}

/// Longest a test run of one mutant may take before it is killed as a
/// hang, at the least: cargo-mutants sets it from the unmutated run (five
/// times as long), never below this.
const MINIMUM_TEST_TIMEOUT_SECS: u64 = 20;

/// Longest a build may take (the first one compiles every dependency).
const BUILD_TIMEOUT_SECS: u64 = 900;

/// A whole kata's run, as a last resort should cargo-mutants itself hang.
const KATA_LIMIT: Duration = Duration::from_secs(3 * 3600);

/// What cargo-mutants made of one mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A test failed.
    Caught,
    /// The tests ran past the timeout: the mutant hangs, which a learner
    /// would see as a failure too.
    Timeout,
    /// It does not compile: nothing to test.
    Unviable,
    /// Every test passed.
    Missed,
}

/// One mutant of a reference solution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mutant {
    /// cargo-mutants' name without its location: what `kata.toml` records.
    pub name: String,
    /// `src/lib.rs:24:9`.
    pub location: String,
    pub outcome: Outcome,
    /// The change, as a unified diff, when cargo-mutants wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// One kata's mutation score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub generated: usize,
    pub caught: usize,
    pub timeout: usize,
    pub unviable: usize,
    /// Missed, but recorded as equivalent in `kata.toml`.
    pub equivalent: usize,
    /// Missed, with no reason recorded: each is a problem.
    pub missed: usize,
}

impl Score {
    /// The scores of several katas, added up.
    pub fn sum<'a>(scores: impl Iterator<Item = &'a Score>) -> Score {
        scores.fold(Score::default(), |sum, s| Score {
            generated: sum.generated + s.generated,
            caught: sum.caught + s.caught,
            timeout: sum.timeout + s.timeout,
            unviable: sum.unviable + s.unviable,
            equivalent: sum.equivalent + s.equivalent,
            missed: sum.missed + s.missed,
        })
    }

    /// Caught (or timed out) among the mutants that could have been.
    pub fn percent(&self) -> Option<u32> {
        let viable = self.generated - self.unviable - self.equivalent;
        (viable > 0).then(|| ((self.caught + self.timeout) * 100 / viable) as u32)
    }
}

/// What `verify --mutants` found for one kata.
#[derive(Debug, Clone, Serialize)]
pub struct KataMutants {
    #[serde(flatten)]
    pub score: Score,
    pub seconds: u64,
    /// Every mutant, in source order.
    pub mutants: Vec<Mutant>,
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

/// Makes sure cargo-mutants can be run, installing it if it is missing.
pub fn ensure_installed() -> Result<()> {
    if let Some(version) = installed_version() {
        if version != VERSION {
            eprintln!(
                "note: cargo-mutants {version} is installed; verify --mutants reads the results \
                 of {VERSION}. If it cannot, install that one: {}",
                install_command()
            );
        }
        return Ok(());
    }
    eprintln!(
        "cargo-mutants is not installed. Installing it (once, a few minutes): {}",
        install_command()
    );
    let started = Instant::now();
    let status = std::process::Command::new(cargo())
        .args(["install", "--locked", &format!("cargo-mutants@{VERSION}")])
        .status();
    match status {
        Ok(status) if status.success() && installed_version().is_some() => {
            eprintln!(
                "cargo-mutants installed in {}s.",
                started.elapsed().as_secs()
            );
            Ok(())
        }
        _ => bail!(
            "could not install cargo-mutants, which `verify --mutants` runs. Install it by hand, \
             then run verify again:\n  {}",
            install_command()
        ),
    }
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `27.1.0` from `cargo mutants --version`, or `None` when it cannot run.
fn installed_version() -> Option<String> {
    let output = std::process::Command::new(cargo())
        .args(["mutants", "--version"])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.split_whitespace().nth(1)?;
    Some(version.to_string())
}

/// Where the scratch packages, results and builds live.
pub struct Places {
    /// `.grader/mutants/`.
    root: PathBuf,
    /// `<target>/mutants/`, kept between runs.
    target: PathBuf,
}

impl Places {
    pub fn new(repo: &Repo) -> Places {
        Places {
            root: repo.root.join(".grader").join("mutants"),
            target: repo.target_dir.join("mutants"),
        }
    }

    /// `--discard-builds`: the mutants' build (about 1 GB) goes once the
    /// run is over; the next run compiles the dependencies again.
    pub fn discard(&self) {
        let _ = std::fs::remove_dir_all(&self.target);
    }

    fn package(&self, kata: &Kata) -> PathBuf {
        self.root.join("katas").join(&kata.id)
    }

    /// cargo-mutants writes `mutants.out/` in here.
    fn results(&self, kata: &Kata) -> PathBuf {
        self.root.join("results").join(&kata.id)
    }
}

/// Runs cargo-mutants on `solution` (the kata's reference `src/lib.rs`)
/// against the kata's tests, and judges the outcome. `Err` is for what
/// stops the run itself (a file that cannot be written); anything about
/// the kata comes back as problems.
pub fn run_kata(
    repo: &Repo,
    places: &Places,
    kata: &Kata,
    solution: &Path,
) -> Result<(Option<KataMutants>, Vec<String>)> {
    let package = places.package(kata);
    write_scratch_package(repo, kata, solution, &package)?;
    let results = places.results(kata);
    let out = results.join("mutants.out");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    std::fs::create_dir_all(&results)?;
    let started = Instant::now();
    let finished = crate::app::runtime().block_on(run_limited(
        command(places, &package, &results),
        KATA_LIMIT,
        4 << 20,
    ))?;
    let seconds = started.elapsed().as_secs();
    let log = results.join("cargo-mutants.log");
    let mut log_text = finished.stdout.clone();
    log_text.extend_from_slice(&finished.stderr);
    std::fs::write(&log, &log_text)?;
    let tail = || {
        let text = String::from_utf8_lossy(&log_text);
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(12)..].join("\n        ")
    };
    let outcomes = std::fs::read_to_string(out.join("outcomes.json")).or_else(|e| {
        // With nothing to mutate, cargo-mutants writes its (empty) list of
        // mutants and no outcomes.
        match std::fs::read_to_string(out.join("mutants.json")) {
            Ok(list)
                if list
                    .trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .trim()
                    .is_empty() =>
            {
                Ok(r#"{"outcomes": []}"#.to_string())
            }
            _ => Err(e),
        }
    });
    let Ok(outcomes) = outcomes else {
        let why = match finished.exit {
            Exit::TimedOut => format!("it was still running after {}s", KATA_LIMIT.as_secs()),
            Exit::Code(code) => format!("it exited with status {code}"),
            Exit::Signal(signal) => format!("it was killed by signal {signal}"),
        };
        return Ok((
            None,
            vec![format!(
                "cargo-mutants wrote no results ({why}); its output is in {}. It ended:\n        {}",
                log.display(),
                tail()
            )],
        ));
    };
    let parsed = parse_outcomes(&outcomes, |diff| {
        std::fs::read_to_string(out.join(diff)).ok()
    })?;
    if !parsed.baseline_passed {
        let baseline_log = parsed
            .baseline_log
            .map(|l| out.join(l).display().to_string())
            .unwrap_or_else(|| log.display().to_string());
        return Ok((
            None,
            vec![format!(
                "cargo-mutants tested no mutant: the reference solution does not pass the kata's \
                 tests under `cargo test` in the scratch package {} (the unmutated baseline). \
                 See {baseline_log}",
                package.display()
            )],
        ));
    }
    let (score, mut problems) = judge(&kata.id, &parsed.mutants, &kata.meta.equivalent_mutants);
    for unjudged in parsed.unjudged {
        problems.push(format!(
            "cargo-mutants could not judge the mutant {unjudged}; see {}",
            log.display()
        ));
    }
    Ok((
        Some(KataMutants {
            score,
            seconds,
            mutants: parsed.mutants,
        }),
        problems,
    ))
}

/// `cargo mutants` on the scratch package, in place, in the grader's
/// pinned test environment, building and running the kata's test files
/// only (as the grader does: no doc tests, no unit tests of the solution).
fn command(places: &Places, package: &Path, results: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(cargo());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("INSTA_")
            || key.starts_with("TRYBUILD")
            || key.starts_with("CARGO_MUTANTS_")
            || key.starts_with("RUST_TEST_")
        {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd.current_dir(package)
        .args(["mutants", "--in-place", "--no-config", "--colors", "never"])
        // Its output goes to a log file: GitHub annotations would be lost,
        // and name the scratch package's files anyway.
        .args(["--annotations", "none"])
        .arg("--dir")
        .arg(package)
        .arg("--output")
        .arg(results)
        .args([
            "--baseline",
            "run",
            "--minimum-test-timeout",
            &MINIMUM_TEST_TIMEOUT_SECS.to_string(),
            "--build-timeout",
            &BUILD_TIMEOUT_SECS.to_string(),
            // Build and run the kata's test files only, in every cargo
            // command (not the library's unit-test harness: 18% faster).
            "--cargo-arg=--test",
            "--cargo-arg=*",
        ])
        .env("CARGO_TARGET_DIR", &places.target)
        .env("CARGO_TERM_COLOR", "never")
        .env("CI", "true")
        .env("INSTA_UPDATE", "no")
        .env("INSTA_FORCE_PASS", "0")
        .env("INSTA_WORKSPACE_ROOT", package)
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// The scratch package: the kata's files, the reference solution as its
/// library, and a manifest that makes it a workspace of its own with the
/// repository's dependencies. Files are only rewritten when they differ, so
/// cargo's build of an unchanged kata stays fresh between runs.
fn write_scratch_package(repo: &Repo, kata: &Kata, solution: &Path, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    sync_kata_files(&kata.dir, dir)?;
    let lib = std::fs::read_to_string(solution)
        .with_context(|| format!("cannot read {}", solution.display()))?;
    write_if_changed(&dir.join("src").join("lib.rs"), &lib)?;
    write_if_changed(&dir.join("Cargo.toml"), &scratch_manifest(repo, kata)?)?;
    let lock = repo.root.join("Cargo.lock");
    if lock.is_file() {
        write_if_changed(&dir.join("Cargo.lock"), &std::fs::read_to_string(lock)?)?;
    }
    Ok(())
}

/// The kata's manifest, its path dependencies made absolute, as the root
/// of a workspace whose dependency table and profiles are the repository's.
fn scratch_manifest(repo: &Repo, kata: &Kata) -> Result<String> {
    let mut manifest = read_toml(&kata.manifest_path)?;
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = manifest.get_mut(section) {
            absolutize_paths(deps, &kata.dir);
        }
    }
    let real = read_toml(&repo.root.join("Cargo.toml"))?;
    let real_ws = real
        .get("workspace")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut ws = Table::new();
    ws.insert("resolver".into(), Value::String("2".into()));
    for key in ["package", "dependencies", "lints"] {
        if let Some(value) = real_ws.get(key) {
            let mut value = value.clone();
            if key == "dependencies" {
                absolutize_paths(&mut value, &repo.root);
            }
            ws.insert(key.into(), value);
        }
    }
    manifest.insert("workspace".into(), Value::Table(ws));
    if let Some(profiles) = real.get("profile") {
        manifest.insert("profile".into(), profiles.clone());
    }
    Ok(format!(
        "# Generated by the grader for `verify --mutants`: kata {} with its reference\n\
         # solution, which cargo-mutants edits in place. Do not edit.\n{}",
        kata.id,
        toml::to_string(&manifest)?
    ))
}

/// Copies everything in the kata's folder but its code, manifest and
/// build (tests, snapshots, compile-fail cases, `kata.toml`, fixtures), and
/// removes what the kata no longer has.
fn sync_kata_files(kata_dir: &Path, dir: &Path) -> Result<()> {
    let keep_ours = ["src", "Cargo.toml", "Cargo.lock", "target"];
    let mut wanted = BTreeMap::new();
    for entry in std::fs::read_dir(kata_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if keep_ours.iter().any(|k| name == *k) {
            continue;
        }
        wanted.insert(name.clone(), ());
        copy_tree(&entry.path(), &dir.join(&name))?;
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if keep_ours.iter().any(|k| name == *k) || wanted.contains_key(&name) {
            continue;
        }
        remove(&entry.path())?;
    }
    Ok(())
}

/// Copies a file or folder, writing only what differs and removing what
/// the source no longer has.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let meta = std::fs::metadata(from)?;
    if meta.is_file() {
        if to.is_dir() {
            remove(to)?;
        }
        let bytes = std::fs::read(from)?;
        if std::fs::read(to).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        std::fs::create_dir_all(to.parent().unwrap())?;
        std::fs::write(to, bytes).with_context(|| format!("cannot write {}", to.display()))?;
        return Ok(());
    }
    if to.is_file() {
        remove(to)?;
    }
    std::fs::create_dir_all(to)?;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        names.push(entry.file_name());
        copy_tree(&entry.path(), &to.join(entry.file_name()))?;
    }
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        if !names.contains(&entry.file_name()) {
            remove(&entry.path())?;
        }
    }
    Ok(())
}

fn remove(path: &Path) -> Result<()> {
    let result = match path.is_dir() {
        true => std::fs::remove_dir_all(path),
        false => std::fs::remove_file(path),
    };
    result.with_context(|| format!("cannot remove {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_taken_off_the_name() {
        assert_eq!(
            without_location("src/lib.rs:24:9: replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())"),
            Some("replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())")
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
                ("src/lib.rs:24:9", "replace <impl fmt::Display for TimedOut>::fmt -> fmt::Result with Ok(Default::default())", Outcome::Missed),
                ("src/lib.rs:48:5", "replace with_timeout -> Result<F::Output, TimedOut> with Ok(Default::default())", Outcome::Unviable),
                ("src/lib.rs:61:5", "replace first_within -> Vec<Option<T>> with vec![]", Outcome::Caught),
                ("src/lib.rs:70:9", "replace loop_forever with ()", Outcome::Timeout),
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
