//! What every end-to-end test file needs: the grader binary, built once,
//! run against this repository in one cleaned environment and one target
//! directory, ways to read its JSON report and to grade variants of a kata
//! without touching `katas/`, and ([`checkout`]) a private copy of the
//! repository for tests that must edit it.
#![allow(dead_code)] // each test file uses its own subset

pub mod checkout;

#[allow(unused_imports)] // not every test file makes a checkout
pub use checkout::Checkout;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Features to build the grader with: `portable-platform` runs the tests
/// against the implementation Windows uses (see grader/src/platform).
pub const GRADER_FEATURES_ENV: &str = "TOKIO_KATAS_GRADER_FEATURES";

/// The grader binary, built once for all tests (the e2e package does not
/// depend on it, so cargo does not build it for us), with the features
/// [`GRADER_FEATURES_ENV`] names.
pub fn grader_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = || {
            std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        };
        let features = std::env::var(GRADER_FEATURES_ENV).unwrap_or_default();
        let status = cargo()
            .args(["build", "--quiet", "-p", "grader", "--features", &features])
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

/// The one target directory of the end-to-end tests: the grader's own,
/// wherever `CARGO_TARGET_DIR` put it. The repository and every checkout a
/// test makes build into it, so tokio and the other dependencies are
/// compiled once for the whole suite (a second target directory for the
/// checkouts compiled them all again). The grader runs one grading at a time
/// per target directory, and stamps what each checkout built so that none is
/// graded on another's build: sharing costs no correctness, only a rebuild
/// of a kata (and kata-support) when another checkout built it last.
pub fn target_dir() -> PathBuf {
    grader_binary()
        .parent()
        .and_then(Path::parent)
        .expect("the grader lives in <target>/debug/")
        .to_path_buf()
}

/// The one clean-up of the environment for every grader a test starts.
///
/// `cargo test` runs the suite in whatever environment its caller has; what
/// is removed here would otherwise reach the grader and change what it
/// does or prints: insta's and trybuild's switches (`INSTA_*`,
/// `TRYBUILD*`), a replay seed (`KATA_SEED`), GitHub Actions' variables (a
/// run inside a workflow would print annotations and append every test's
/// report to the workflow's own summary), the grader's profiling switch
/// (`GRADER_PROFILE`, which writes to stderr), and cargo's target-directory
/// settings, replaced by [`target_dir`]. A test that wants one of them set
/// sets it afterwards, on the command.
pub fn clean_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let leaks = key.starts_with("INSTA_")
            || key.starts_with("TRYBUILD")
            || key.starts_with("GITHUB_")
            || key == "KATA_SEED"
            || key == "GRADER_PROFILE"
            || key == "CARGO_BUILD_TARGET_DIR";
        if leaks {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd.env("CARGO_TARGET_DIR", target_dir())
}

/// The grader, started in `dir` in the cleaned environment.
pub fn grader_command(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(grader_binary());
    cmd.current_dir(dir);
    clean_env(&mut cmd);
    cmd
}

/// The grader, run from the repository, with a generous overall limit (the
/// first run in a fresh target directory builds every kata).
pub fn grader(args: &[&str]) -> Command {
    grader_in(repo(), args)
}

/// The grader run in `dir` (the repository or a checkout), as [`grader`].
pub fn grader_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::from_std(grader_command(dir));
    cmd.args(args).timeout(Duration::from_secs(900));
    cmd
}

/// Running in CI: `CI` is set (GitHub Actions and the project's own CI set
/// it to `true`), and `.ci/run` has installed the tools the tests need.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// A tool a test needs is missing (`why` says which, and how to install
/// it). In CI, where `.ci/run` installs it, that is a failure; elsewhere the
/// test is skipped, saying so.
pub fn missing_tool(why: &str) {
    if in_ci() {
        panic!("{why}");
    }
    eprintln!("SKIPPED: {why}");
}

/// A finished command's stdout and stderr, as text.
pub fn text(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
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

/// Whether the grader under test is the portable build (`grader
/// --version` says which), which has no process groups, memory limit or
/// subreaper: tests of those guards say they skip them.
pub fn portable_grader() -> bool {
    static PORTABLE: OnceLock<bool> = OnceLock::new();
    *PORTABLE.get_or_init(|| {
        let out = std::process::Command::new(grader_binary())
            .arg("--version")
            .output()
            .expect("the grader runs");
        String::from_utf8_lossy(&out.stdout).contains("platform: portable")
    })
}

/// Whether a process is alive (a zombie waiting to be reaped is not).
pub fn is_running(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(") ")
        .next()
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('Z'))
}
