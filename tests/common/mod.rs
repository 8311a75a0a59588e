//! What every end-to-end test file needs: the grader binary, built once,
//! run against this repository, ways to read its JSON report and to grade
//! variants of a kata without touching `katas/`, and a private clone of the
//! repository for tests that must edit it.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The grader binary, built once for all tests (the e2e package does not
/// depend on it, so cargo does not build it for us).
pub fn grader_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = || {
            std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        };
        let status = cargo()
            .args(["build", "--quiet", "-p", "grader"])
            .current_dir(repo())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the grader failed");
        let metadata = cargo()
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(repo())
            .output()
            .expect("cargo metadata runs");
        let metadata: Value = serde_json::from_slice(&metadata.stdout).unwrap();
        Path::new(metadata["target_directory"].as_str().unwrap())
            .join("debug")
            .join("grader")
    })
}

/// The target directory every clone of this repository that a test makes
/// builds into (the suites run one after another, so they never contend):
/// dependencies are compiled once for all of them, and the build of a
/// deleted clone is not kept twice.
pub fn clones_target_dir() -> PathBuf {
    // Beside the grader's own target directory, wherever CARGO_TARGET_DIR put it.
    grader_binary()
        .parent()
        .and_then(Path::parent)
        .expect("the grader lives in <target>/debug/")
        .join("e2e-clones")
}

/// The grader, run from the repository, with a generous overall limit (the
/// first run in a fresh clone builds trybuild's own dependencies).
pub fn grader(args: &[&str]) -> Command {
    let mut cmd = Command::new(grader_binary());
    cmd.args(args)
        .current_dir(repo())
        .env_remove("INSTA_UPDATE")
        .env_remove("TRYBUILD")
        .timeout(Duration::from_secs(900));
    cmd
}

pub fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the grader's stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn kata<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["katas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the report"))
}

/// A solutions folder holding, for each kata named, the given lib.rs.
pub fn solutions_dir(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (kata, source) in files {
        let src = dir.path().join(kata).join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), source).unwrap();
    }
    dir
}

pub fn reference(kata: &str) -> String {
    std::fs::read_to_string(repo().join("solutions").join(kata).join("src/lib.rs")).unwrap()
}

/// Inserts `code` as the first statement of the function starting at `signature`.
pub fn inject_at_start_of(source: &str, signature: &str, code: &str) -> String {
    let at = source
        .find(signature)
        .unwrap_or_else(|| panic!("`{signature}` not found"));
    let brace = at + source[at..].find("{\n").expect("function body");
    format!(
        "{}{{\n    {code}\n{}",
        &source[..brace],
        &source[brace + 2..]
    )
}

/// Whether a process is alive (a zombie waiting to be reaped is not).
pub fn is_running(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(") ")
        .next()
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('Z'))
}

/// A `git clone` of this repository (its committed files) in a temporary
/// folder, where grading files can be edited without touching the real
/// ones; it builds in the target directory all clones share.
pub struct Clone {
    dir: tempfile::TempDir,
}

impl Clone {
    pub fn new() -> Clone {
        let dir = tempfile::Builder::new()
            .prefix("katas-clone-")
            .tempdir()
            .unwrap();
        let ok = std::process::Command::new("git")
            .args(["clone", "--quiet", "--no-hardlinks"])
            .arg(repo())
            .arg(dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "git clone failed");
        Clone { dir }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
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

    /// The grader, run in the clone, building in the shared target directory.
    pub fn grader(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(grader_binary());
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("CARGO_TARGET_DIR", clones_target_dir())
            .env_remove("INSTA_UPDATE")
            .env_remove("INSTA_FORCE_PASS")
            .env_remove("TRYBUILD")
            .timeout(Duration::from_secs(900));
        cmd
    }
}
