//! Skip running a test whose verdict cannot have changed.
//!
//! A warm full grade with nothing edited would otherwise run every test again,
//! trybuild suites included (each one compiles code for seconds). A test's
//! verdict is a function of what it runs and reads, so we key it by all of
//! that and replay the recorded outcome when the key matches:
//!
//! - the test binary's identity (path, size, mtime, inode): cargo rewrites it
//!   whenever the kata's library, its tests or kata-support change;
//! - the content of every file in the kata's directory except `target/`
//!   (snapshots, trybuild cases and their `.stderr`, `kata.toml`, `src/`),
//!   plus the graded library file when it lives elsewhere (an overlay
//!   variant), and the manifests trybuild reads at run time (the package's
//!   `Cargo.toml`, the workspace's `Cargo.toml`, `Cargo.lock`, the toolchain);
//! - the test's name, its wall-clock and memory limits, the environment the
//!   test process inherits, and the grader's own binary (a new grader may
//!   judge differently).
//!
//! A grader that says "passed" for wrong code is the worst bug, so anything
//! we cannot read makes the test uncacheable rather than guessed, only
//! `passed` and `failed` outcomes are kept (a timeout or a crash depends on
//! the machine), and the key is computed again after the run: a file saved
//! while the test ran means the outcome is not stored. Entries are small JSON
//! files under `<target>/grader/verdicts/`, written whole (temp file +
//! rename); one that cannot be read or parsed is a miss, never an error.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::process::{Exit, Finished};
use super::run::RawTest;

/// Bumped when the entry format or the meaning of a key changes.
const FORMAT: u32 = 1;

/// Environment variables that change between shells without changing what a
/// test sees in any way that matters.
const VOLATILE_ENV: &[&str] = &["_", "OLDPWD", "SHLVL"];

/// Everything outside the test's name that its verdict depends on.
pub struct Inputs<'a> {
    pub binary: &'a Path,
    pub kata_dir: &'a Path,
    /// The graded library file when it is not the kata's own `src/lib.rs`.
    pub lib_source: Option<&'a Path>,
    pub manifest_dir: &'a Path,
    pub repo_root: &'a Path,
    pub limit: Duration,
    /// The environment the test process gets, after pinning (see run.rs).
    pub env: &'a [(String, String)],
}

/// The cache's folder under the target directory.
pub fn dir(target_dir: &Path) -> PathBuf {
    target_dir.join("grader").join("verdicts")
}

/// The key of one test binary's context, or `None` when some input cannot
/// be read (the test then simply runs).
pub fn context_key(inputs: &Inputs<'_>) -> Option<String> {
    let mut hash = Sha256::new();
    let mut field = |name: &str, value: &[u8]| {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value);
    };
    field("format", &FORMAT.to_le_bytes());
    let grader = std::env::current_exe().ok()?;
    field("grader", identity(&grader)?.as_bytes());
    field("binary", identity(inputs.binary)?.as_bytes());
    field("limit", &inputs.limit.as_millis().to_le_bytes());
    field("memory", &super::limits::MEMORY_LIMIT_BYTES.to_le_bytes());
    for (key, value) in inputs.env {
        if !VOLATILE_ENV.contains(&key.as_str()) {
            field(&format!("env:{key}"), value.as_bytes());
        }
    }
    let mut files = Vec::new();
    list_files(inputs.kata_dir, inputs.kata_dir, &mut files).ok()?;
    files.sort();
    for file in &files {
        let content = std::fs::read(inputs.kata_dir.join(file)).ok()?;
        field(&format!("kata:{}", file.display()), &content);
    }
    if let Some(lib) = inputs.lib_source {
        field("lib", &std::fs::read(lib).ok()?);
    }
    // Present or absent, each is part of the key.
    for (name, path) in [
        ("package manifest", inputs.manifest_dir.join("Cargo.toml")),
        ("workspace manifest", inputs.repo_root.join("Cargo.toml")),
        ("lock", inputs.repo_root.join("Cargo.lock")),
        ("toolchain", inputs.repo_root.join("rust-toolchain.toml")),
    ] {
        match std::fs::read(&path) {
            Ok(content) => field(name, &content),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => field(name, b"<absent>"),
            Err(_) => return None,
        }
    }
    Some(hex(&hash.finalize()))
}

/// The key of one test within its context.
pub fn test_key(context: &str, target: &str, name: &str) -> String {
    let mut hash = Sha256::new();
    for part in [context, target, name] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex(&hash.finalize())
}

/// Path, size, mtime and inode: cargo writes a new file when it relinks.
fn identity(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    Some(format!(
        "{}|{}|{}.{}|{}|{}",
        path.display(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ino(),
        meta.dev()
    ))
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if dir == root && entry.file_name() == "target" {
                continue;
            }
            list_files(root, &path, out)?;
        } else {
            // Symlinks are read through: their target's content counts.
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One recorded outcome, as stored on disk.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    code: i32,
    logged: Option<String>,
    stdout: String,
    stderr: String,
    truncated: bool,
    elapsed_ms: u64,
}

fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(&key[..2]).join(format!("{key}.json"))
}

/// The recorded outcome for `key`, if there is a sound one.
pub fn load(dir: &Path, key: &str, target: &str, name: &str, limit: Duration) -> Option<RawTest> {
    let path = entry_path(dir, key);
    let text = std::fs::read(&path).ok()?;
    let entry: Entry = serde_json::from_slice(&text).ok()?;
    if entry.key != key || !cacheable(Exit::Code(entry.code), entry.logged.as_deref()) {
        return None;
    }
    // A used entry is a young one: pruning goes by last use.
    if let Ok(file) = std::fs::File::options().append(true).open(&path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    Some(RawTest {
        target: target.to_string(),
        name: name.to_string(),
        limit,
        finished: Finished {
            exit: Exit::Code(entry.code),
            stdout: entry.stdout.into_bytes(),
            stderr: entry.stderr.into_bytes(),
            truncated: entry.truncated,
            elapsed: Duration::from_millis(entry.elapsed_ms),
        },
        logged: entry.logged,
    })
}

/// Records `test`'s outcome under `key` if it is one that does not depend on
/// the machine. Failing to write only costs a run next time.
pub fn store(dir: &Path, key: &str, test: &RawTest) {
    let Exit::Code(code) = test.finished.exit else {
        return;
    };
    if !cacheable(test.finished.exit, test.logged.as_deref()) {
        return;
    }
    let entry = Entry {
        key: key.to_string(),
        code,
        logged: test.logged.clone(),
        // The grader reads output leniently too (grade.rs), so nothing is lost.
        stdout: String::from_utf8_lossy(&test.finished.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&test.finished.stderr).into_owned(),
        truncated: test.finished.truncated,
        elapsed_ms: test.finished.elapsed.as_millis() as u64,
    };
    let path = entry_path(dir, key);
    let write = || -> std::io::Result<()> {
        let parent = path.parent().expect("entries live in a folder");
        std::fs::create_dir_all(parent)?;
        let mut file = tempfile::NamedTempFile::new_in(parent)?;
        serde_json::to_writer(&mut file, &entry)?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    let _ = write();
}

/// How many entries the cache keeps. A learner's every save adds one per
/// test of the kata they work on; the whole course on both the stubs and the
/// solutions is about 400. Entries are a few KiB (output is capped).
pub const KEEP: usize = 4000;

/// How often [`prune_now_and_then`] looks: listing thousands of entries
/// costs ~10 ms, a noticeable part of a one-kata regrade.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// [`prune`], at most once per [`PRUNE_EVERY`] (a marker file's age says when
/// it last ran).
pub fn prune_now_and_then(dir: &Path, keep: usize) {
    let marker = dir.join(".last-prune");
    let recent = std::fs::metadata(&marker)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|at| at.elapsed().ok())
        .is_some_and(|age| age < PRUNE_EVERY);
    if recent {
        return;
    }
    prune(dir, keep);
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(&marker, b"");
}

/// Deletes the least recently used entries beyond `keep`, so the cache of a
/// course worked through over weeks stays a few MiB. Best effort.
pub fn prune(dir: &Path, keep: usize) {
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    let Ok(shards) = std::fs::read_dir(dir) else {
        return;
    };
    for shard in shards.flatten() {
        let Ok(files) = std::fs::read_dir(shard.path()) else {
            continue;
        };
        for file in files.flatten() {
            let modified = file.metadata().and_then(|m| m.modified());
            entries.push((modified.unwrap_or(std::time::UNIX_EPOCH), file.path()));
        }
    }
    if entries.len() <= keep {
        return;
    }
    entries.sort();
    let excess = entries.len() - keep;
    for (_, path) in entries.into_iter().take(excess) {
        let _ = std::fs::remove_file(path);
    }
}

/// Outcomes grade.rs turns into `passed` or `failed`: the process ended on
/// its own (no signal, no timeout) and the test was not `#[ignore]`d.
fn cacheable(exit: Exit, logged: Option<&str>) -> bool {
    matches!(exit, Exit::Code(_)) && logged != Some("ignored")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        root: tempfile::TempDir,
        env: Vec<(String, String)>,
    }

    impl Fixture {
        fn new() -> Self {
            let root = tempfile::tempdir().unwrap();
            let kata = root.path().join("katas/07-timeout");
            std::fs::create_dir_all(kata.join("src")).unwrap();
            std::fs::create_dir_all(kata.join("tests/snapshots")).unwrap();
            std::fs::create_dir_all(kata.join("tests/compile_fail")).unwrap();
            std::fs::write(kata.join("src/lib.rs"), "pub fn f() {}").unwrap();
            std::fs::write(kata.join("kata.toml"), "title = 'x'").unwrap();
            std::fs::write(kata.join("tests/snapshots/a.snap"), "1").unwrap();
            std::fs::write(kata.join("tests/compile_fail/a.rs"), "fn main() {}").unwrap();
            std::fs::write(kata.join("tests/compile_fail/a.stderr"), "error").unwrap();
            std::fs::write(root.path().join("Cargo.toml"), "[workspace]").unwrap();
            std::fs::write(root.path().join("test-binary"), "ELF").unwrap();
            std::fs::write(root.path().join("variant.rs"), "pub fn f() {}").unwrap();
            Fixture {
                root,
                env: vec![("CI".into(), "true".into())],
            }
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.root.path().join(rel)
        }

        fn key_with(&self, lib: Option<&Path>, limit: u64) -> String {
            let kata = self.path("katas/07-timeout");
            let binary = self.path("test-binary");
            context_key(&Inputs {
                binary: &binary,
                kata_dir: &kata,
                lib_source: lib,
                manifest_dir: &kata,
                repo_root: self.root.path(),
                limit: Duration::from_secs(limit),
                env: &self.env,
            })
            .expect("every input is readable")
        }

        fn key(&self) -> String {
            self.key_with(None, 5)
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_key() {
        let f = Fixture::new();
        assert_eq!(f.key(), f.key());
    }

    #[test]
    fn a_changed_grading_file_misses() {
        for file in [
            "katas/07-timeout/tests/snapshots/a.snap",
            "katas/07-timeout/tests/compile_fail/a.stderr",
            "katas/07-timeout/tests/compile_fail/a.rs",
            "katas/07-timeout/kata.toml",
            "katas/07-timeout/src/lib.rs",
            "Cargo.toml",
        ] {
            let f = Fixture::new();
            let before = f.key();
            std::fs::write(f.path(file), "changed").unwrap();
            assert_ne!(before, f.key(), "{file} changed but the key did not");
        }
    }

    #[test]
    fn a_new_file_in_the_kata_misses() {
        let f = Fixture::new();
        let before = f.key();
        std::fs::write(f.path("katas/07-timeout/tests/snapshots/b.snap.new"), "x").unwrap();
        assert_ne!(before, f.key());
    }

    #[test]
    fn the_kata_s_own_target_folder_is_ignored() {
        let f = Fixture::new();
        let before = f.key();
        std::fs::create_dir_all(f.path("katas/07-timeout/target")).unwrap();
        std::fs::write(f.path("katas/07-timeout/target/junk"), "x").unwrap();
        assert_eq!(before, f.key());
    }

    #[test]
    fn a_changed_variant_source_misses() {
        let f = Fixture::new();
        let lib = f.path("variant.rs");
        let before = f.key_with(Some(&lib), 5);
        std::fs::write(&lib, "pub fn f() { todo!() }").unwrap();
        assert_ne!(before, f.key_with(Some(&lib), 5));
    }

    #[test]
    fn a_rebuilt_binary_misses_even_with_the_same_size() {
        let f = Fixture::new();
        let before = f.key();
        let binary = f.path("test-binary");
        // Same size, new file: what cargo does when it relinks.
        std::fs::remove_file(&binary).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        std::fs::write(&binary, "ELG").unwrap();
        assert_ne!(before, f.key());
    }

    #[test]
    fn a_different_limit_or_environment_misses() {
        let mut f = Fixture::new();
        let before = f.key();
        assert_ne!(before, f.key_with(None, 6));
        f.env.push(("RUSTFLAGS".into(), "-Dwarnings".into()));
        assert_ne!(before, f.key());
    }

    #[test]
    fn a_missing_input_is_uncacheable() {
        let f = Fixture::new();
        std::fs::remove_file(f.path("test-binary")).unwrap();
        let kata = f.path("katas/07-timeout");
        let binary = f.path("test-binary");
        assert!(context_key(&Inputs {
            binary: &binary,
            kata_dir: &kata,
            lib_source: None,
            manifest_dir: &kata,
            repo_root: f.root.path(),
            limit: Duration::from_secs(5),
            env: &f.env,
        })
        .is_none());
    }

    #[test]
    fn pruning_keeps_the_most_recently_used_entries() {
        let dir = tempfile::tempdir().unwrap();
        let test = raw(Exit::Code(0), Some("ok"));
        let keys: Vec<String> = (0..5)
            .map(|i| format!("{i:02}{}", "a".repeat(62)))
            .collect();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        for (i, key) in keys.iter().enumerate() {
            store(dir.path(), key, &test);
            let file = std::fs::File::options()
                .append(true)
                .open(entry_path(dir.path(), key))
                .unwrap();
            file.set_modified(old + Duration::from_secs(i as u64))
                .unwrap();
        }
        // Reading the oldest makes it the youngest.
        assert!(load(dir.path(), &keys[0], "t", "n", Duration::from_secs(1)).is_some());
        prune(dir.path(), 3);
        let kept: Vec<bool> = keys
            .iter()
            .map(|k| entry_path(dir.path(), k).exists())
            .collect();
        assert_eq!(kept, [true, false, false, true, true]);
    }

    fn raw(exit: Exit, logged: Option<&str>) -> RawTest {
        RawTest {
            target: "grading".into(),
            name: "t".into(),
            limit: Duration::from_secs(5),
            finished: Finished {
                exit,
                stdout: b"out".to_vec(),
                stderr: b"thread panicked".to_vec(),
                truncated: false,
                elapsed: Duration::from_millis(7),
            },
            logged: logged.map(str::to_string),
        }
    }

    #[test]
    fn passed_and_failed_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        for (key, logged, code) in [("aa01", Some("ok"), 0), ("bb02", Some("failed"), 101)] {
            store(dir.path(), key, &raw(Exit::Code(code), logged));
            let back = load(dir.path(), key, "grading", "t", Duration::from_secs(5)).unwrap();
            assert_eq!(back.finished.exit, Exit::Code(code));
            assert_eq!(back.logged.as_deref(), logged);
            assert_eq!(back.finished.stderr, b"thread panicked");
        }
    }

    #[test]
    fn timeouts_crashes_and_ignored_tests_are_never_stored() {
        let dir = tempfile::tempdir().unwrap();
        store(dir.path(), "aa01", &raw(Exit::TimedOut, None));
        store(dir.path(), "aa02", &raw(Exit::Signal(6), None));
        store(dir.path(), "aa03", &raw(Exit::Code(0), Some("ignored")));
        for key in ["aa01", "aa02", "aa03"] {
            assert!(load(dir.path(), key, "grading", "t", Duration::from_secs(5)).is_none());
        }
    }

    #[test]
    fn a_corrupt_or_misplaced_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        store(dir.path(), "aa01", &raw(Exit::Code(0), Some("ok")));
        let path = entry_path(dir.path(), "aa01");
        std::fs::write(&path, "{not json").unwrap();
        assert!(load(dir.path(), "aa01", "grading", "t", Duration::from_secs(5)).is_none());
        // An entry copied under another key does not answer for it.
        store(dir.path(), "aa02", &raw(Exit::Code(0), Some("ok")));
        let other = entry_path(dir.path(), "aa03");
        std::fs::copy(entry_path(dir.path(), "aa02"), &other).unwrap();
        assert!(load(dir.path(), "aa03", "grading", "t", Duration::from_secs(5)).is_none());
    }
}
