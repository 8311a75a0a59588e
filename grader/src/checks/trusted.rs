//! `--trusted-ref REF`: grading a pull request without trusting it.
//!
//! A student's pull request can change any file, and the grading files (the
//! tests, snapshots, trybuild expectations, manifests, `Cargo.lock`, the
//! toolchain file, `.cargo/` and insta configuration, `kata-support`, the
//! grader) decide whether their code passes. So none of them is read from the
//! working tree. We materialise REF (the pull request's base) into a scratch
//! directory with `git archive`, copy in only `katas/*/src/` from the working
//! tree, and grade that scratch repository with the ordinary pipeline.
//!
//! Where the student changed a kata's grading files anyway, the kata is
//! reported `tampered` (never passed): its tests still run, but REF's copies,
//! so the student's versions are never compiled or executed. Any other change
//! outside `katas/*/src/` is listed as a warning: it was not used either.
//!
//! The scratch directory lives in the user's cache directory, outside the
//! working tree, for two reasons: cargo and rustup read `.cargo/config.toml`
//! and `rust-toolchain.toml` from every ancestor of the directory they run in
//! (the student's would apply), and trybuild only shortens the paths in its
//! expected compiler messages for packages outside the target directory.
//!
//! Grading a class must be fast the second time too, so the scratch
//! directory and the target directory it builds into stay from one run to
//! the next (see `scratch.rs`): the scratch is brought up to date file by
//! file, an unchanged file keeps its modification time, and cargo rebuilds
//! only the katas whose files changed. Trusted builds get a target directory
//! of their own (`<target>/trusted-ref`): a plain grade of the same checkout
//! builds the student's own tests, and the two never stand in for each other
//! (and switching between them rebuilds nothing). What cargo keeps is still
//! checked against the sources it was built from (`pipeline/provenance.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tokio::process::Command;

use crate::app::UsageError;
use crate::checks::git::{self, run as git};
use crate::checks::integrity::grading_files_of;
use crate::course::discover::parse_kata_dir_name;
use crate::verdict::{KataResult, KataStatus};

/// The repository to grade instead of the working tree, and what the
/// comparison with REF found.
pub struct Trusted {
    /// The scratch repository: REF's files with the working tree's `katas/*/src/`.
    pub root: PathBuf,
    /// Where cargo builds: `$CARGO_TARGET_DIR`, or the working tree's `target/`,
    /// so builds are reused from one run to the next.
    pub target_dir: PathBuf,
    /// REF as given on the command line, and the commit it names.
    pub reference: String,
    pub commit: String,
    /// Katas whose grading files differ from REF: kata id → paths.
    pub tampered: BTreeMap<String, Vec<String>>,
    /// Changes outside `katas/*/src/` that are not a kata's grading files.
    pub warnings: Vec<String>,
    /// Held for the whole run: one trusted grade at a time per scratch.
    _scratch: super::scratch::Scratch,
}

impl Trusted {
    /// Marks the katas whose grading files were changed. Their tests ran on
    /// REF's files; whatever they say, the kata is not passed.
    ///
    /// Then reads every kata's code for what no solution needs
    /// (`suspicious.rs`): such a kata is not passed either, and its lines
    /// are listed. The allowances come from REF's `kata.toml`, never the
    /// student's.
    pub fn apply(&self, results: &mut [KataResult]) {
        for result in results {
            if let Some(files) = self.tampered.get(&result.id) {
                result.status = KataStatus::Tampered;
                result.tampered_files = files.clone();
            }
            let kata = self.root.join("katas").join(&result.id);
            let allowed = crate::course::kata_file::KataFile::load(&kata.join("kata.toml"))
                .map(|meta| meta.allow_in_src)
                .unwrap_or_default();
            result.suspicious = super::suspicious::scan(&kata.join("src"), &allowed);
            if !result.suspicious.is_empty() && result.status != KataStatus::Tampered {
                result.status = KataStatus::Suspicious;
            }
        }
    }

    /// `main (3f2a9c1)`, for titles.
    pub fn describe(&self) -> String {
        format!(
            "{} ({})",
            self.reference,
            &self.commit[..self.commit.len().min(7)]
        )
    }
}

/// Builds the scratch repository for grading the working tree at `root`
/// against `reference`.
pub fn prepare(root: &Path, reference: &str) -> Result<Trusted> {
    if reference.starts_with('-') || reference.trim().is_empty() {
        return Err(UsageError(format!(
            "--trusted-ref `{reference}` is not a git revision: name a branch, tag or commit, e.g. --trusted-ref origin/main"
        ))
        .into());
    }
    git(root, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        UsageError(format!(
            "--trusted-ref needs a git checkout, and {} is not one (or git is not installed).",
            root.display()
        ))
    })?;
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .map(|out| String::from_utf8_lossy(&out).trim().to_string())
    .map_err(|_| {
        UsageError(format!(
            "--trusted-ref {reference}: git knows no such commit in {}. Fetch it first \
             (`git fetch origin {reference}`), or give the commit's SHA.",
            root.display()
        ))
    })?;

    let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => crate::app::absolute(PathBuf::from(dir))?,
        _ => root.join("target"),
    }
    .join("trusted-ref");
    let scratch = super::scratch::Scratch::open(&target_dir)?;
    // REF and the student's sources are put together in a staging folder
    // first, then synchronised into the scratch repository (see scratch.rs).
    let staging = scratch.staging()?;
    let tree = staging.path().join("repo");
    std::fs::create_dir_all(&tree)?;
    extract(root, &commit, staging.path(), &tree)?;

    let changed = git::changed_since(root, &commit, None, |_| true)?;
    let ref_katas = kata_dirs(&tree)?;
    let (tampered, mut warnings) = classify(&changed, &ref_katas);

    for id in &ref_katas {
        let from = root.join("katas").join(id).join("src");
        let to = tree.join("katas").join(id).join("src");
        if !from.is_dir() {
            warnings.push(format!(
                "katas/{id}/src/ is missing from the working tree: graded REF's stub instead"
            ));
            continue;
        }
        std::fs::remove_dir_all(&to).ok();
        copy_tree(&from, &to, &format!("katas/{id}/src"), &mut warnings)?;
    }
    // The working tree's own target/ is the student's to fill: built
    // artifacts committed there could pass for fresh ones.
    if std::env::var_os("CARGO_TARGET_DIR").is_none_or(|dir| dir.is_empty())
        && let Some(path) = changed.iter().find(|p| p.starts_with("target/"))
    {
        return Err(UsageError(format!(
            "the working tree has files under target/ that REF does not ({path}): they \
                 could stand in for built tests. Set CARGO_TARGET_DIR to a directory outside \
                 the checkout and grade again."
        ))
        .into());
    }
    let tree = scratch.replace_repo(&tree)?;
    drop(staging);

    Ok(Trusted {
        root: tree,
        target_dir,
        reference: reference.to_string(),
        commit,
        tampered,
        warnings,
        _scratch: scratch,
    })
}

/// Writes REF's tree into `tree`: `git archive` to a file, then `tar -x`.
fn extract(root: &Path, commit: &str, scratch: &Path, tree: &Path) -> Result<()> {
    let archive = scratch.join("ref.tar");
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", "-o"])
        .arg(&archive)
        .arg(commit);
    git::checked(cmd, "git archive").context("cannot read the trusted ref's files")?;
    let mut cmd = Command::new("tar");
    cmd.arg("-xf").arg(&archive).arg("-C").arg(tree);
    git::checked(cmd, "tar -x").context("cannot unpack the trusted ref's files")?;
    std::fs::remove_file(&archive).ok();
    Ok(())
}

/// The kata directories (`NN-slug`) in REF's `katas/`.
fn kata_dirs(tree: &Path) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let Ok(entries) = std::fs::read_dir(tree.join("katas")) else {
        return Ok(ids);
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type()?.is_dir() && parse_kata_dir_name(&name).is_some() {
            ids.push(name);
        }
    }
    ids.sort();
    Ok(ids)
}

/// Sorts changed paths into tampered katas and warnings.
///
/// A kata's grading files are the ones the local check (`integrity.rs`)
/// guards: everything in `katas/NN-slug/` but `src/` (the student's work) and
/// `README.md` (read by people only), and `katas/support/`, which every
/// kata's tests use.
fn classify(
    changed: &[String],
    ref_katas: &[String],
) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut tampered: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in ref_katas {
        let files = grading_files_of(changed, id);
        if !files.is_empty() {
            tampered.insert(id.clone(), files);
        }
    }
    let mut warnings = Vec::new();
    for path in changed {
        if tampered.values().any(|files| files.contains(path)) {
            continue;
        }
        let mut parts = path.splitn(3, '/');
        let (top, dir, rest) = (parts.next(), parts.next(), parts.next());
        match (top, dir, rest) {
            (Some("katas"), Some(kata), Some(rest)) if ref_katas.iter().any(|k| k == kata) => {
                if !rest.starts_with("src/") {
                    warnings.push(format!(
                        "{path} differs from the trusted ref: not used for grading"
                    ));
                }
            }
            (Some("katas"), Some(kata), Some(_)) if parse_kata_dir_name(kata).is_some() => {
                warnings.push(format!(
                    "{path} belongs to katas/{kata}, which the trusted ref does not have: not graded"
                ));
            }
            _ => warnings.push(format!(
                "{path} differs from the trusted ref: not used for grading"
            )),
        }
    }
    (tampered, warnings)
}

/// Copies a directory of the student's sources: regular files and folders
/// only. A symbolic link could point into the grading files, so it is left
/// out, with a warning.
fn copy_tree(from: &Path, to: &Path, shown: &str, warnings: &mut Vec<String>) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let shown = format!("{shown}/{}", name.to_string_lossy());
        if kind.is_symlink() {
            warnings.push(format!(
                "{shown} is a symbolic link: not copied for grading"
            ));
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name), &shown, warnings)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))
                .with_context(|| format!("cannot copy {shown} for grading"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::paths;

    #[test]
    fn only_grading_files_make_a_kata_tampered() {
        let katas = paths(&["07-timeout", "15-graceful-shutdown"]);
        let changed = paths(&[
            "katas/07-timeout/src/lib.rs",
            "katas/07-timeout/src/extra/mod.rs",
            "katas/07-timeout/tests/grading.rs",
            "katas/15-graceful-shutdown/README.md",
            "katas/15-graceful-shutdown/kata.toml",
            "katas/15-graceful-shutdown/tests/snapshots/grading__x.snap",
            "katas/99-new/src/lib.rs",
            "Cargo.lock",
            "README.md",
        ]);
        let (tampered, warnings) = classify(&changed, &katas);
        assert_eq!(
            tampered["07-timeout"],
            paths(&["katas/07-timeout/tests/grading.rs"])
        );
        assert_eq!(
            tampered["15-graceful-shutdown"],
            paths(&[
                "katas/15-graceful-shutdown/kata.toml",
                "katas/15-graceful-shutdown/tests/snapshots/grading__x.snap"
            ])
        );
        assert_eq!(tampered.len(), 2);
        let warned: Vec<&str> = warnings
            .iter()
            .map(|w| w.split(' ').next().unwrap())
            .collect();
        assert_eq!(
            warned,
            [
                "katas/15-graceful-shutdown/README.md",
                "katas/99-new/src/lib.rs",
                "Cargo.lock",
                "README.md"
            ]
        );
    }

    #[test]
    fn the_shared_test_support_is_every_kata_s_grading_file() {
        let katas = paths(&["07-timeout", "15-graceful-shutdown"]);
        let (tampered, warnings) = classify(&paths(&["katas/support/src/lib.rs"]), &katas);
        assert_eq!(tampered.len(), 2);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}
