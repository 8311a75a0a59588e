//! A private checkout of this repository, for the end-to-end tests that
//! must change files to test something: grading files edited, katas added
//! or broken, a learner's progress and backups, a student's branch.
//!
//! It exists so that every such test starts from the same copy and runs the
//! grader the same way (one environment clean-up, `common::clean_env`, and
//! one target directory, `common::target_dir`), where three helpers used
//! to copy the repository in three ways and clean the environment in three.
//!
//! The copy holds the working tree's files as git sees them (tracked, plus
//! new files that are not ignored), so a contributor's uncommitted change is
//! tested here as it is everywhere else in `cargo test` (the grader itself
//! is built from the working tree). They are committed, as one commit on
//! `main` in a history of their own, so that what the grader compares a
//! learner's files with (`HEAD`, or `--trusted-ref main`) is that copy.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{clean_env, grader_in, repo};

/// A copy of the repository in a temporary folder, deleted when dropped.
pub struct Checkout {
    dir: tempfile::TempDir,
}

impl Checkout {
    pub fn new() -> Checkout {
        let dir = tempfile::Builder::new()
            .prefix("katas-checkout-")
            .tempdir()
            .unwrap();
        let files = Command::new("git")
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .current_dir(repo())
            .output()
            .expect("git runs");
        assert!(files.status.success(), "git ls-files failed");
        for name in files.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let name = String::from_utf8_lossy(name).into_owned();
            let from = repo().join(&name);
            if !from.is_file() {
                continue; // deleted in the working tree
            }
            let to = dir.path().join(&name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
        let checkout = Checkout { dir };
        checkout.git(&["init", "--quiet", "--initial-branch=main"]);
        checkout.git(&["add", "--all"]);
        checkout.git(&["commit", "--quiet", "--message", "the course"]);
        checkout
    }

    /// The checkout's root folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Replaces `from` (which must be there) with `to` in a file.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} has no {from:?}");
        self.write(relative, &text.replace(from, to));
    }

    /// Runs git in the checkout, as a student would, and asserts it succeeds.
    pub fn git(&self, args: &[&str]) {
        let output = Command::new("git")
            .args([
                "-c",
                "user.name=A Student",
                "-c",
                "user.email=student@example.com",
            ])
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Commits everything in the working tree, as a student's pull request.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    /// The grader, run in the checkout (see `common::grader_in`).
    pub fn grader(&self, args: &[&str]) -> assert_cmd::Command {
        grader_in(self.root(), args)
    }

    /// Any program (the grader to be signalled, script(1), tmux), started in
    /// the checkout in the same cleaned environment as [`Checkout::grader`].
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.root());
        clean_env(&mut cmd);
        cmd
    }
}
