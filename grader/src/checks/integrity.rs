//! Grading files the learner changed, found with git.
//!
//! A kata's tests, snapshots (`.snap`), trybuild expectations (`.stderr`),
//! manifest, `kata.toml` and the shared `katas/support` crate decide whether
//! the learner's code passes. Editing one can turn a failing kata into a
//! pass: accept a wrong snapshot, add `#[ignore]` or `#[should_panic]`,
//! delete an assertion. Usually by accident (an editor's "accept", a
//! `cargo insta accept`), sometimes not. So when the repository is a git
//! checkout, the grader compares those files with `HEAD`, and a kata whose
//! grading files differ is never `passed`: it is `failed`, and the report
//! names each file and how to restore it.
//!
//! This is the local check. Committed edits are invisible to it (they are
//! `HEAD`); `--trusted-ref` (trusted.rs) grades against a ref the learner
//! does not control, and reports `tampered`. Both agree on what a grading
//! file is ([`grading_files_of`]), and [`edited_files`] works for any base.

use std::path::Path;

use crate::course::discover::Repo;
use crate::pipeline::{Source, Subject};
use crate::verdict::{EditedFile, KataResult, KataStatus};

/// Marks every learner's-code result whose kata has edited grading files:
/// run after grading, so that a file rewritten while building or testing (a
/// build script, a test that "blesses" its own snapshot) is seen too.
/// (`verify` skips it: authors edit grading files on purpose.) It
/// names the files, and turns a pass into a failure. Returns false when it
/// could not check: the repository is not a git checkout (a downloaded
/// archive) or git is not installed, so there is nothing to compare with,
/// and the caller should say so.
pub fn mark_edited(repo: &Repo, subjects: &[Subject<'_>], results: &mut [KataResult]) -> bool {
    if !subjects.iter().any(|s| s.source == Source::Working) {
        return true;
    }
    let _step = crate::profile::step("git check");
    let Some(changed) = edited_files(&repo.root, "HEAD") else {
        return false;
    };
    for (subject, result) in subjects.iter().zip(results) {
        if subject.source != Source::Working {
            continue;
        }
        let files = grading_files_of(&changed, &subject.kata.id);
        // A kata git does not have at all is being written (`new`): there
        // is nothing of the course's to have edited.
        if files.is_empty() || !in_head(&repo.root, &subject.kata.id) {
            continue;
        }
        if result.status == KataStatus::Passed {
            result.status = KataStatus::Failed;
        }
        result.edited_files = files
            .into_iter()
            .map(|path| EditedFile {
                restore: restore_command(&repo.root, &path),
                path,
            })
            .collect();
    }
    true
}

/// Whether git's `HEAD` has the kata at all (its manifest).
fn in_head(root: &Path, kata_id: &str) -> bool {
    let object = format!("HEAD:katas/{kata_id}/Cargo.toml");
    crate::checks::git::run(root, &["cat-file", "-e", &object]).is_ok()
}

/// What to tell a learner whose checkout has no git to compare with.
pub const NO_GIT_NOTE: &str = "this folder is not a git checkout (or git is not installed), so \
     edited test files cannot be detected; clone the course with git to get that check";

/// The files under `katas/` that differ between `base` and the working tree
/// of the checkout at `root`: changed, added or deleted since `base`
/// (committed or not), and untracked files git does not ignore. Paths are
/// relative to `root`, with `/`. `None` when `root` is not the top of a git
/// checkout, git is missing, or `base` is unknown (a repository with no
/// commit yet).
pub fn edited_files(root: &Path, base: &str) -> Option<Vec<String>> {
    let top = crate::checks::git::run(root, &["rev-parse", "--show-toplevel"]).ok()?;
    // A repository inside someone else's checkout (a learner's monorepo, a
    // scratch copy in a temporary folder that happens to sit in one) is not
    // what HEAD describes.
    let top = std::path::PathBuf::from(String::from_utf8_lossy(&top).trim());
    if top.canonicalize().ok()? != root.canonicalize().ok()? {
        return None;
    }
    crate::checks::git::changed_since(root, base, Some("katas"), |path| !is_clutter(path)).ok()
}

/// Of `changed`, the grading files of kata `id`: everything in its folder
/// but `src/` (the learner's) and `README.md` (read by people only), and
/// everything in `katas/support/` (every kata's tests use it) but its README.
pub fn grading_files_of(changed: &[String], id: &str) -> Vec<String> {
    let own = format!("katas/{id}/");
    changed
        .iter()
        .filter(|path| {
            if let Some(rest) = path.strip_prefix(&own) {
                !rest.starts_with("src/") && rest != "README.md"
            } else if let Some(rest) = path.strip_prefix("katas/support/") {
                rest != "README.md"
            } else {
                false
            }
        })
        .cloned()
        .collect()
}

/// Untracked files that no grader reads and that tools leave about: hidden
/// files (`.DS_Store`, editor swap files), backups, and insta's pending
/// snapshots (`.snap.new`), which the grader never accepts.
fn is_clutter(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".snap.new")
        || name.ends_with(".pending-snap")
        || name.ends_with(".orig")
}

/// How to undo the edit of `path`: restore a file `HEAD` has, delete a new one.
fn restore_command(root: &Path, path: &str) -> String {
    if crate::checks::git::run(root, &["cat-file", "-e", &format!("HEAD:{path}")]).is_ok() {
        format!("git checkout HEAD -- {path}")
    } else {
        format!("rm {path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::paths;

    #[test]
    fn a_kata_s_grading_files_are_all_but_its_code_and_readme() {
        let changed = paths(&[
            "katas/07-timeout/Cargo.toml",
            "katas/07-timeout/README.md",
            "katas/07-timeout/kata.toml",
            "katas/07-timeout/src/lib.rs",
            "katas/07-timeout/tests/grading.rs",
            "katas/07-timeout/tests/snapshots/grading__first_within_results.snap",
            "katas/15-graceful-shutdown/tests/grading.rs",
            "katas/support/README.md",
            "katas/support/src/clock.rs",
        ]);
        assert_eq!(
            grading_files_of(&changed, "07-timeout"),
            paths(&[
                "katas/07-timeout/Cargo.toml",
                "katas/07-timeout/kata.toml",
                "katas/07-timeout/tests/grading.rs",
                "katas/07-timeout/tests/snapshots/grading__first_within_results.snap",
                "katas/support/src/clock.rs",
            ])
        );
        assert_eq!(
            grading_files_of(&changed, "25-no-thread-sleep"),
            paths(&["katas/support/src/clock.rs"])
        );
    }

    #[test]
    fn clutter_is_not_an_edit() {
        assert!(is_clutter("katas/07-timeout/tests/.grading.rs.swp"));
        assert!(is_clutter("katas/07-timeout/.DS_Store"));
        assert!(is_clutter(
            "katas/07-timeout/tests/snapshots/grading__x.snap.new"
        ));
        assert!(!is_clutter("katas/07-timeout/tests/extra.rs"));
        assert!(!is_clutter(
            "katas/07-timeout/tests/snapshots/grading__x.snap"
        ));
    }

    #[test]
    fn outside_a_git_checkout_there_is_nothing_to_compare() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(edited_files(dir.path(), "HEAD"), None);
    }

    #[test]
    fn finds_edited_deleted_and_new_grading_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let sh = |script: &str| {
            let ok = std::process::Command::new("sh")
                .arg("-c")
                .arg(script)
                .current_dir(root)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@t")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@t")
                .status()
                .unwrap()
                .success();
            assert!(ok, "{script}");
        };
        sh("git init -q . && mkdir -p katas/07-x/tests katas/07-x/src \
            && echo a > katas/07-x/tests/grading.rs && echo b > katas/07-x/tests/gone.rs \
            && echo c > katas/07-x/src/lib.rs && git add . && git commit -qm init");
        sh(
            "echo edited >> katas/07-x/tests/grading.rs && rm katas/07-x/tests/gone.rs \
            && echo new > katas/07-x/tests/new.rs && echo mine >> katas/07-x/src/lib.rs \
            && touch katas/07-x/tests/.swap",
        );
        let changed = edited_files(root, "HEAD").unwrap();
        assert_eq!(
            grading_files_of(&changed, "07-x"),
            paths(&[
                "katas/07-x/tests/gone.rs",
                "katas/07-x/tests/grading.rs",
                "katas/07-x/tests/new.rs"
            ])
        );
        assert_eq!(
            restore_command(root, "katas/07-x/tests/gone.rs"),
            "git checkout HEAD -- katas/07-x/tests/gone.rs"
        );
        assert_eq!(
            restore_command(root, "katas/07-x/tests/new.rs"),
            "rm katas/07-x/tests/new.rs"
        );
    }
}
