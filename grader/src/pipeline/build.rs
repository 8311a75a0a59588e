//! Step 2: build every subject's test binaries in one cargo invocation.
//!
//! One `cargo build --keep-going` per workspace builds all selected katas at
//! once (cargo schedules across both cores far better than we could), and
//! keeps going past a kata that does not compile. Its JSON messages tell us
//! which test binary belongs to which kata, and which compile errors do:
//! a broken kata is reported with rustc's own message while every other
//! kata is graded as usual.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use cargo_metadata::Message;
use cargo_metadata::diagnostic::DiagnosticLevel;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::plan::Planned;
use super::provenance::Origin;
use crate::course::discover::Repo;
use crate::platform::ProcessTree;
use crate::ui::Progress;

/// A build that takes longer than this is stuck (a cold build is ~1 minute).
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);

/// What the build produced for one subject.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// Test binaries by target name (`grading` → path).
    pub binaries: BTreeMap<String, PathBuf>,
    /// Test targets that did not compile.
    pub failed_targets: Vec<String>,
    /// rustc's rendered errors, as a learner would see them from cargo.
    pub diagnostics: Vec<String>,
}

/// Raw messages collected for one manifest.
#[derive(Default)]
struct Collected {
    binaries: BTreeMap<String, PathBuf>,
    diagnostics: Vec<String>,
    /// Every file cargo produced for the package (libraries too), so that
    /// an overlay variant's output can be deleted with it (overlay.rs).
    outputs: std::collections::BTreeSet<PathBuf>,
    /// For a package of this checkout (a path dependency: a kata,
    /// kata-support, an overlay variant), one file per unit cargo built or
    /// kept, whether it was kept (fresh), and the package's folder: what
    /// provenance.rs checks and stamps.
    units: Vec<(PathBuf, bool)>,
    manifest_dir: Option<PathBuf>,
}

pub fn build(repo: &Repo, planned: &[Planned<'_>], progress: &Progress) -> Result<Vec<Built>> {
    let runtime = crate::app::runtime();
    // Keyed by package name: the learner's and the overlay's never clash.
    let mut collected: BTreeMap<String, Collected> = BTreeMap::new();
    // One invocation per workspace (the learner's, and the overlay if used).
    let mut workspaces: Vec<&Path> = planned
        .iter()
        .map(|p| p.workspace_manifest.as_path())
        .collect();
    workspaces.sort();
    workspaces.dedup();
    let build_packages = |collected: &mut BTreeMap<String, Collected>| -> Result<()> {
        for workspace in &workspaces {
            let packages: Vec<&str> = planned
                .iter()
                .filter(|p| p.workspace_manifest == *workspace)
                .map(|p| p.package.as_str())
                .collect();
            if !packages.is_empty() {
                runtime.block_on(cargo_build(repo, workspace, &packages, progress, collected))?;
            }
        }
        Ok(())
    };
    build_packages(&mut collected)?;
    // An output cargo kept from another checkout sharing this target
    // directory (a test binary, or the kata's library it links) is not
    // trusted: cargo forgets those packages and everything is built again
    // from ours (provenance.rs).
    let foreign: Vec<String> = collected
        .iter()
        .filter(|(_, found)| {
            let Some(dir) = &found.manifest_dir else {
                return false;
            };
            let mut kept = found.units.iter().filter(|(_, fresh)| *fresh).peekable();
            if kept.peek().is_none() {
                return false;
            }
            let origin = Origin::of(dir);
            kept.any(|(file, _)| !super::provenance::is_ours(repo, file, &origin))
        })
        .map(|(package, _)| package.clone())
        .collect();
    if !foreign.is_empty() {
        let packages: Vec<&str> = foreign.iter().map(String::as_str).collect();
        super::provenance::forget(repo, &packages)?;
        collected.clear();
        build_packages(&mut collected)?;
    }
    // What cargo compiled rather than kept: the cost of a warm run, and how
    // tests tell that a warm trusted grade rebuilt only what changed.
    crate::profile::note(|| {
        let compiled: Vec<&str> = collected
            .iter()
            .filter(|(_, found)| found.units.iter().any(|(_, fresh)| !fresh))
            .map(|(package, _)| package.as_str())
            .collect();
        format!("compiled packages: [{}]", compiled.join(", "))
    });
    for found in collected.values() {
        let Some(dir) = &found.manifest_dir else {
            continue;
        };
        let origin = Origin::of(dir);
        for (file, _) in &found.units {
            // A stamp that cannot be written only costs a rebuild next time.
            let _ = super::provenance::stamp(repo, file, &origin);
        }
    }
    for p in planned {
        if let Some(found) = collected.get(&p.package) {
            super::overlay::record_outputs(p, &found.outputs);
        }
    }
    Ok(planned
        .iter()
        .map(|p| {
            let found = collected.remove(&p.package).unwrap_or_default();
            let failed_targets = p
                .subject
                .kata
                .test_targets
                .iter()
                .filter(|t| !found.binaries.contains_key(&t.name))
                .map(|t| t.name.clone())
                .collect();
            Built {
                binaries: found.binaries,
                failed_targets,
                diagnostics: found.diagnostics,
            }
        })
        .collect())
}

async fn cargo_build(
    repo: &Repo,
    workspace: &Path,
    packages: &[&str],
    progress: &Progress,
    collected: &mut BTreeMap<String, Collected>,
) -> Result<()> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(workspace)
        .args([
            "--test",
            "*",
            "--keep-going",
            "--message-format=json",
            "--color=never",
        ]);
    for package in packages {
        cmd.args(["--package", package]);
    }
    // The overlay shares the learner's target directory: dependencies are
    // built once for both.
    // From the workspace's own directory: cargo and rustup take
    // `.cargo/config.toml` and the toolchain file from where they run, and
    // under --trusted-ref that must be the trusted copy, not the student's.
    if let Some(dir) = workspace.parent() {
        cmd.current_dir(dir);
    }
    cmd.env("CARGO_TARGET_DIR", &repo.target_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Cargo and every rustc it starts are one tree, killed together when
    // this function returns early or the grader is interrupted.
    let mut child = ProcessTree::spawn(cmd)
        .context("cannot run cargo: is Rust installed? (https://rustup.rs)")?;
    let mut stdout = BufReader::new(child.take_stdout().unwrap()).lines();
    let mut stderr = BufReader::new(child.take_stderr().unwrap()).lines();
    let mut stderr_tail: Vec<String> = Vec::new();

    let reading = async {
        let (mut out_done, mut err_done) = (false, false);
        while !(out_done && err_done) {
            tokio::select! {
                line = stdout.next_line(), if !out_done => match line? {
                    Some(line) => record(&line, collected, progress),
                    None => out_done = true,
                },
                line = stderr.next_line(), if !err_done => match line? {
                    Some(line) => {
                        progress.cargo_line(&line);
                        stderr_tail.push(line);
                        if stderr_tail.len() > 40 {
                            stderr_tail.remove(0);
                        }
                    }
                    None => err_done = true,
                },
            }
        }
        let status = child.wait().await?;
        crate::app::stop_if_interrupted().await;
        anyhow::Ok(status)
    };
    let status = match tokio::time::timeout(BUILD_LIMIT, reading).await {
        Ok(status) => status?,
        Err(_) => bail!(
            "cargo build took more than {} minutes and was stopped",
            BUILD_LIMIT.as_secs() / 60
        ),
    };
    // A failed build with no compile error of a kata's is either a problem
    // of some katas that rustc never got to (a failing build script, a
    // dependency that cannot be fetched): those get cargo's words and the
    // rest are graded; or, when nothing built, of the workspace itself.
    if !status.success() && collected.values().all(|c| c.diagnostics.is_empty()) {
        let stuck: Vec<&str> = packages
            .iter()
            .copied()
            .filter(|p| collected.get(*p).is_none_or(|c| c.binaries.is_empty()))
            .collect();
        if stuck.len() == packages.len() {
            bail!(
                "cargo could not build the katas:\n{}",
                stderr_tail.join("\n")
            );
        }
        for package in stuck {
            collected
                .entry(package.to_string())
                .or_default()
                .diagnostics
                .push(format!(
                    "cargo could not build this kata:\n{}",
                    stderr_tail.join("\n")
                ));
        }
    }
    Ok(())
}

fn record(line: &str, collected: &mut BTreeMap<String, Collected>, progress: &Progress) {
    let Ok(message) = serde_json::from_str::<Message>(line) else {
        return;
    };
    match message {
        Message::CompilerArtifact(artifact) => {
            progress.artifact_built();
            let package = package_name(&artifact.package_id.repr);
            if artifact.package_id.repr.starts_with("path+") {
                let entry = collected.entry(package.clone()).or_default();
                if let Some(first) = artifact.filenames.first() {
                    entry
                        .units
                        .push((first.as_std_path().to_path_buf(), artifact.fresh));
                }
                entry.manifest_dir = artifact
                    .manifest_path
                    .parent()
                    .map(|dir| dir.as_std_path().to_path_buf());
            }
            if package.starts_with(super::overlay::PACKAGE_PREFIX) {
                let outputs = &mut collected.entry(package.clone()).or_default().outputs;
                outputs.extend(
                    artifact
                        .filenames
                        .iter()
                        .map(|f| PathBuf::from(f.as_std_path())),
                );
            }
            if artifact.target.is_test()
                && artifact.profile.test
                && let Some(exe) = artifact.executable
            {
                let entry = collected.entry(package).or_default();
                entry
                    .binaries
                    .insert(artifact.target.name.clone(), exe.into());
            }
        }
        Message::CompilerMessage(msg) => {
            if matches!(
                msg.message.level,
                DiagnosticLevel::Error | DiagnosticLevel::Ice
            ) {
                let rendered = msg.message.rendered.unwrap_or(msg.message.message);
                collected
                    .entry(package_name(&msg.package_id.repr))
                    .or_default()
                    .diagnostics
                    .push(rendered.trim_end().to_string());
            }
        }
        _ => {}
    }
}

/// The package name in a package id: `path+file:///r/katas/07-timeout#kata-07-timeout@0.1.0`,
/// or `path+file:///r/grader#0.1.0` when the directory is named like the package.
fn package_name(id: &str) -> String {
    let (url, fragment) = id.split_once('#').unwrap_or((id, ""));
    match fragment.split_once('@') {
        Some((name, _)) => name.to_string(),
        None => url.rsplit('/').next().unwrap_or(url).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::package_name;

    #[test]
    fn package_names_from_ids() {
        assert_eq!(
            package_name("path+file:///r/katas/07-timeout#kata-07-timeout@0.1.0"),
            "kata-07-timeout"
        );
        assert_eq!(package_name("path+file:///r/grader#0.1.0"), "grader");
        assert_eq!(
            package_name("registry+https://github.com/rust-lang/crates.io-index#tokio@1.47.1"),
            "tokio"
        );
    }
}
