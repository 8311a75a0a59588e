//! Running cargo-mutants on a reference solution, in a scratch package
//! the learner's files are never part of.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use toml::Value;

use super::*;
use crate::course::discover::{Kata, Repo};
use crate::pipeline::overlay::{absolutize_paths, read_toml, shared_workspace, write_if_changed};
use crate::pipeline::process::{Exit, run_limited};

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
        .env("RUST_BACKTRACE", "0")
        // One test at a time, as the grader runs them: with every test of a
        // kata on threads of one process, 2 cores cannot keep each poll
        // under kata-support's 10 ms `no_blocking` bound, and the unmutated
        // baseline of katas 18, 20 and 21 failed ("blocked its thread").
        .env("RUST_TEST_THREADS", "1");
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
    let (real, ws) = shared_workspace(repo)?;
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
