//! The environment a test runs in, and refusing set-ups that could make a
//! failing check pass.
//!
//! A test binary gets what `cargo test` would give it (its package's
//! variables, the kata's folder as working directory), with every switch
//! that could turn a failing check into a pass pinned off: insta may not
//! update or force-pass snapshots, trybuild may not overwrite expectations,
//! a replay seed may not narrow a seeded test to one case.
//!
//! insta reads an `insta.yaml` (or `.config/insta.yaml`) that can tell it to
//! accept every snapshot (`force_pass`) or to overwrite them. The grader pins
//! insta's environment variables itself; a configuration file would undo
//! that, so its presence stops the run with an explanation.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use tokio::process::Command;

use super::plan::{Planned, Source};
use crate::app::UsageError;
use crate::course::discover::Repo;

pub fn refuse_insta_overrides(repo: &Repo) -> Result<()> {
    let mut places = vec![repo.root.clone()];
    places.extend(repo.katas.iter().map(|k| k.dir.clone()));
    for place in places {
        for candidate in [
            place.join("insta.yaml"),
            place.join(".config").join("insta.yaml"),
        ] {
            if candidate.exists() {
                return Err(UsageError(format!(
                    "found {}: insta configuration can make snapshot checks pass without \
                     comparing anything (force_pass, update), so the grader will not run with it.\n\
                     Delete it and grade again: rm {}",
                    candidate.display(),
                    candidate.display()
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// Where and how one test binary runs.
#[derive(Debug, Clone)]
pub struct TestEnv {
    pub binary: PathBuf,
    /// Whether its tests are first tried together in one process.
    pub may_run_together: bool,
    pub target: String,
    pub package: String,
    /// The kata's own directory: trybuild globs and snapshots are relative to it.
    pub kata_dir: PathBuf,
    pub manifest_dir: PathBuf,
    pub repo_root: PathBuf,
    pub target_dir: PathBuf,
    pub limit: Duration,
    /// The graded library when it is not the kata's own `src/lib.rs`.
    pub lib_source: Option<PathBuf>,
}

impl TestEnv {
    pub fn new(repo: &Repo, plan: &Planned<'_>, target: &str, binary: &Path) -> Self {
        let meta = &plan.subject.kata.meta;
        let lib_source = match &plan.subject.source {
            Source::Working => None,
            Source::File(path) => Some(path.clone()),
            Source::Mutant { lib, .. } => Some(lib.clone()),
        };
        TestEnv {
            may_run_together: meta.may_run_together(target),
            binary: binary.to_path_buf(),
            target: target.to_string(),
            package: plan.package.clone(),
            kata_dir: plan.subject.kata.dir.clone(),
            manifest_dir: plan.manifest_dir.clone(),
            repo_root: repo.root.clone(),
            target_dir: repo.target_dir.clone(),
            limit: meta.time_limit(target),
            lib_source,
        }
    }

    /// The folder of the graded code: the kata's `src/`, or the folder of
    /// the solution file graded instead.
    pub fn source_dir(&self) -> PathBuf {
        match &self.lib_source {
            Some(lib) => lib.parent().map_or_else(|| lib.clone(), Path::to_path_buf),
            None => self.kata_dir.join("src"),
        }
    }

    /// The environment the test process gets, as far as its verdict can
    /// depend on it: the inherited variables, whole (the pinned values are
    /// fixed by the grader's own version, which the verdict cache keys on
    /// too), plus the values that vary by kata.
    pub fn inherited_and_pinned(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| (k.to_string_lossy().into(), v.to_string_lossy().into()))
            .collect();
        env.sort();
        for (key, value) in [
            ("INSTA_WORKSPACE_ROOT", &self.repo_root),
            ("CARGO_MANIFEST_DIR", &self.manifest_dir),
            ("CARGO_TARGET_DIR", &self.target_dir),
        ] {
            env.push((format!("pinned:{key}"), value.display().to_string()));
        }
        env.push(("pinned:CARGO_PKG_NAME".into(), self.package.clone()));
        env
    }

    /// The test binary, in the environment `cargo test` would give it, with
    /// every switch that could turn a failing check into a pass pinned off.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.binary);
        super::limits::limit_memory(&mut cmd);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let risky = key.starts_with("INSTA_")
                || key.starts_with("TRYBUILD")
                || key.starts_with("RUST_TEST_")
                || key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_BIN_")
                || key == "CARGO_CRATE_NAME"
                || key == "CARGO_PRIMARY_PACKAGE"
                // A replay seed narrows a seeded test to one case.
                || key == "KATA_SEED";
            if risky {
                cmd.env_remove(key.as_ref());
            }
        }
        cmd.current_dir(&self.kata_dir)
            .env("CI", "true")
            .env("INSTA_UPDATE", "no")
            .env("INSTA_FORCE_PASS", "0")
            .env("INSTA_WORKSPACE_ROOT", &self.repo_root)
            .env("RUST_BACKTRACE", "0")
            .env("NO_COLOR", "1")
            // A failing test prints its virtual-time timeline for us.
            .env("TOKIO_KATAS_TIMELINE", "1")
            // Where the graded code is, so that kata-support can tell its
            // frames from the tests' in a backtrace.
            .env("TOKIO_KATAS_SOURCE", self.source_dir())
            .env("CARGO_MANIFEST_DIR", &self.manifest_dir)
            .env("CARGO_PKG_NAME", &self.package)
            .env("CARGO_CRATE_NAME", &self.target)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        cmd
    }
}
