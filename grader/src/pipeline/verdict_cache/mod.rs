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

mod key;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use key::{Inputs, context_key, test_key};

use super::outcome::RawTest;
use super::process::{Exit, Finished};
use super::test_env::TestEnv;

/// The cache as one test binary sees it: where entries live, and the key
/// of the binary's context (`None` when caching is off or some input could
/// not be read: its tests then simply run).
pub struct VerdictCache {
    dir: PathBuf,
    context: Option<String>,
    target: String,
    limit: Duration,
}

impl VerdictCache {
    /// The cache for the tests of the binary `env` runs; `enabled` is false
    /// under `--no-cache`.
    pub fn open(env: &TestEnv, enabled: bool) -> VerdictCache {
        VerdictCache {
            dir: dir(&env.target_dir),
            context: enabled.then(|| context_of(env)).flatten(),
            target: env.target.clone(),
            limit: env.limit,
        }
    }

    /// The recorded outcome of test `name`, when nothing it depends on
    /// changed since it was recorded.
    pub fn replay(&self, name: &str) -> Option<RawTest> {
        let context = self.context.as_ref()?;
        let key = test_key(context, &self.target, name);
        load(&self.dir, &key, &self.target, name, self.limit)
    }

    /// Records the outcomes that ran (not those replayed), if the inputs of
    /// the binary's tests held still while they ran: the key is computed
    /// again once they are all done, and nothing is recorded if it moved.
    pub fn record(&self, env: &TestEnv, ran: &[&RawTest]) {
        let Some(before) = &self.context else {
            return;
        };
        if ran.is_empty() || context_of(env).as_ref() != Some(before) {
            return;
        }
        for test in ran {
            store(&self.dir, &test_key(before, &self.target, &test.name), test);
        }
    }
}

/// The key of the context `env` runs its tests in.
fn context_of(env: &TestEnv) -> Option<String> {
    context_key(&Inputs {
        binary: &env.binary,
        kata_dir: &env.kata_dir,
        lib_source: env.lib_source.as_deref(),
        manifest_dir: &env.manifest_dir,
        repo_root: &env.repo_root,
        limit: env.limit,
        env: &env.inherited_and_pinned(),
    })
}

/// The cache's folder under the target directory.
pub fn dir(target_dir: &Path) -> PathBuf {
    target_dir.join("grader").join("verdicts")
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
    /// Microseconds: tests that passed together get a share of their
    /// process's time, often under a millisecond, and a replay reports it.
    elapsed_us: u64,
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
        crate::pipeline::seal::written_by_grader(&path);
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
            elapsed: Duration::from_micros(entry.elapsed_us),
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
        elapsed_us: test.finished.elapsed.as_micros() as u64,
    };
    let path = entry_path(dir, key);
    let write = || -> std::io::Result<()> {
        let parent = path.parent().expect("entries live in a folder");
        std::fs::create_dir_all(parent)?;
        let mut file = tempfile::NamedTempFile::new_in(parent)?;
        serde_json::to_writer(&mut file, &entry)?;
        file.persist(&path).map_err(|e| e.error)?;
        crate::pipeline::seal::written_by_grader(&path);
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
