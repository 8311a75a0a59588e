//! Nothing a submission's code does may change what the next trusted
//! grading reuses.
//!
//! Trusted grading keeps its builds and recorded verdicts from one run to
//! the next (`checks/scratch.rs`), and the code it grades runs as the same
//! user, with the target directory's path in its environment. Code written
//! to cheat could replace another kata's test binary, its provenance stamp
//! or a recorded verdict (and set the dates back), and a later grading would
//! trust them. So, once the build is done and before any test runs, we note
//! every file of the target directory with its inode and its status-change
//! time (which no unprivileged process can set back); once every test
//! process is gone, we look again. Anything changed that the grader did not
//! write itself means this run cannot be trusted: the stamps and the
//! recorded verdicts are deleted, so the next grading builds and runs
//! everything again, and the run ends with an error.
//!
//! Left out, because tests write there: trybuild's projects (`tests/`),
//! cargo's `tmp/`, and the grader's own scratch folders for test logs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Result;

/// What we compare: a file replaced, rewritten or re-dated changes at
/// least one of its inode, size, change time and modification time. Where
/// the platform gives no change time or inode (the portable build), a file
/// rewritten with the same size and its old date is not caught.
type Identity = crate::platform::FileStamp;

/// The target directory's files as the build left them.
pub struct Seal {
    target_dir: PathBuf,
    files: HashMap<PathBuf, Identity>,
}

/// Files the grader itself wrote or re-dated while the tests ran (a
/// recorded verdict; a replayed one, marked as recently used), as it left
/// them: they must still be so at the end.
static LEFT_BY_GRADER: Mutex<Vec<(PathBuf, Option<Identity>)>> = Mutex::new(Vec::new());

/// Tells the seal that the grader has just written or re-dated `path`.
pub fn written_by_grader(path: &Path) {
    let identity = std::fs::symlink_metadata(path).ok().map(|m| identity(&m));
    LEFT_BY_GRADER
        .lock()
        .unwrap()
        .push((path.to_path_buf(), identity));
}

impl Seal {
    pub fn new(target_dir: &Path) -> Seal {
        LEFT_BY_GRADER.lock().unwrap().clear();
        let mut files = HashMap::new();
        walk(target_dir, target_dir, &mut files);
        Seal {
            target_dir: target_dir.to_path_buf(),
            files,
        }
    }

    /// Checks nothing changed but what the grader wrote; if something did,
    /// deletes what the next grading would trust and says what changed.
    pub fn check(mut self) -> Result<()> {
        let mut now = HashMap::new();
        walk(&self.target_dir, &self.target_dir, &mut now);
        // What the grader wrote or re-dated is expected as it left it.
        let mut expected = std::mem::take(&mut self.files);
        for (path, identity) in std::mem::take(&mut *LEFT_BY_GRADER.lock().unwrap()) {
            if let (Ok(relative), Some(identity)) = (path.strip_prefix(&self.target_dir), identity)
            {
                expected.insert(relative.to_path_buf(), identity);
            }
        }
        let mut changed: Vec<&PathBuf> = now
            .iter()
            .filter(|(path, identity)| expected.get(*path) != Some(identity))
            .map(|(path, _)| path)
            .chain(expected.keys().filter(|path| !now.contains_key(*path)))
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        changed.sort();
        let grader = self.target_dir.join("grader");
        for dir in ["provenance", "verdicts"] {
            let _ = std::fs::remove_dir_all(grader.join(dir));
        }
        anyhow::bail!(
            "while the tests ran, something other than the grader changed {} in the target \
             directory {} (first: {}). The code being graded may have done it: look for file \
             writes in the katas' src/. This run's verdicts cannot be trusted, so none is \
             reported; the build stamps and recorded verdicts were deleted, and the next \
             grading rebuilds and reruns everything.",
            match changed.len() {
                1 => "a file".to_string(),
                n => format!("{n} files"),
            },
            self.target_dir.display(),
            changed[0].display()
        )
    }
}

/// Whether a folder of the target directory is written by tests themselves.
fn written_by_tests(relative: &Path) -> bool {
    let mut parts = relative.components().map(|c| c.as_os_str());
    match (parts.next(), parts.next()) {
        (Some(top), _) if top == "tests" || top == "tmp" => true,
        (Some(top), Some(dir)) if top == "grader" => dir != "provenance" && dir != "verdicts",
        _ => false,
    }
}

fn walk(root: &Path, dir: &Path, files: &mut HashMap<PathBuf, Identity>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if written_by_tests(&relative) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(root, &path, files);
        } else {
            files.insert(relative, identity(&meta));
        }
    }
}

fn identity(meta: &std::fs::Metadata) -> Identity {
    crate::platform::file_stamp(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "debug/deps/grading-0123",
            "grader/provenance/debug%deps%grading-0123",
            "grader/verdicts/ab/abcd.json",
            "tests/trybuild/kata/Cargo.toml",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "as built").unwrap();
        }
        dir
    }

    // The seal is process-wide (WRITTEN): one test at a time.
    static ONE: Mutex<()> = Mutex::new(());

    #[test]
    fn a_binary_replaced_with_its_old_date_is_caught_and_the_stamps_go() {
        let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
        let dir = target();
        let probe = std::fs::metadata(dir.path().join("debug/deps/grading-0123")).unwrap();
        if crate::platform::file_stamp(&probe).changed.is_none() {
            eprintln!(
                "skipped: this platform gives no status-change time to catch a re-dated file"
            );
            return;
        }
        let binary = dir.path().join("debug/deps/grading-0123");
        let date = std::fs::metadata(&binary).unwrap().modified().unwrap();
        let seal = Seal::new(dir.path());
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&binary, "forged!!").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&binary)
            .unwrap()
            .set_modified(date)
            .unwrap();
        let error = seal.check().unwrap_err().to_string();
        assert!(error.contains("debug/deps/grading-0123"), "{error}");
        assert!(!dir.path().join("grader/provenance").exists());
        assert!(!dir.path().join("grader/verdicts").exists());
    }

    #[test]
    fn a_forged_verdict_is_caught_and_the_grader_s_own_are_not() {
        let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
        let dir = target();
        let seal = Seal::new(dir.path());
        // The grader records a verdict; trybuild writes its project.
        let ours = dir.path().join("grader/verdicts/cd/cdef.json");
        std::fs::create_dir_all(ours.parent().unwrap()).unwrap();
        std::fs::write(&ours, "recorded").unwrap();
        written_by_grader(&ours);
        std::fs::write(dir.path().join("tests/trybuild/kata/Cargo.toml"), "x").unwrap();
        seal.check().unwrap();

        // A replayed verdict is re-dated by the grader: allowed.
        let seal = Seal::new(dir.path());
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::File::options()
            .append(true)
            .open(&ours)
            .unwrap()
            .set_modified(std::time::SystemTime::now())
            .unwrap();
        written_by_grader(&ours);
        seal.check().unwrap();

        let seal = Seal::new(dir.path());
        let forged = dir.path().join("grader/verdicts/ef/ef01.json");
        std::fs::create_dir_all(forged.parent().unwrap()).unwrap();
        std::fs::write(&forged, "passed").unwrap();
        let error = seal.check().unwrap_err().to_string();
        assert!(error.contains("ef01.json"), "{error}");
    }
}
