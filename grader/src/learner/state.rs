//! The learner's progress, remembered between runs.
//!
//! `list` shows each kata's status from the last run and `hint` hands out
//! hints one at a time, so both need memory. It lives in one small JSON
//! file, `.grader/state.json` (ignored by git). Progress is a convenience,
//! never a reason to stop: a missing or unreadable file is simply started
//! afresh, and the file is replaced atomically (write a temporary file,
//! then rename it over the old one), so an interrupted run can never leave
//! half a file behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::course::discover::Kata;
use crate::verdict::{KataResult, KataStatus};

/// Where the state file lives in a repository.
pub fn path(root: &Path) -> PathBuf {
    root.join(".grader").join("state.json")
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
    #[serde(default)]
    pub katas: BTreeMap<String, KataProgress>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct KataProgress {
    /// Status of the last grading of the learner's own code.
    #[serde(default)]
    pub status: Option<KataStatus>,
    #[serde(default)]
    pub passed_tests: usize,
    #[serde(default)]
    pub total_tests: usize,
    /// Seconds since the Unix epoch.
    #[serde(default)]
    pub graded_at: u64,
    /// How many hints the learner has asked for.
    #[serde(default)]
    pub hints_shown: usize,
}

impl State {
    /// The hint `kata`'s learner sees next, and its index: the one after
    /// the last shown, or the last hint again once all were shown. Counts it
    /// as shown (the caller saves the state).
    pub fn next_hint<'k>(&mut self, kata: &'k Kata) -> (usize, &'k str) {
        let hints = &kata.meta.hints;
        let progress = self.kata_mut(&kata.id);
        let index = progress.hints_shown.min(hints.len() - 1);
        progress.hints_shown = index + 1;
        (index, &hints[index])
    }

    /// Loads the state; a missing or unreadable file gives a fresh state
    /// (and the reason, for a one-line notice), never an error.
    pub fn load(root: &Path) -> (State, Option<String>) {
        let file = path(root);
        match std::fs::read_to_string(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (State::default(), None),
            Err(e) => (
                State::default(),
                Some(format!(
                    "could not read {} ({e}); starting fresh",
                    file.display()
                )),
            ),
            Ok(text) => match serde_json::from_str(&text) {
                Ok(state) => (state, None),
                Err(e) => (
                    State::default(),
                    Some(format!(
                        "{} was damaged ({e}); your progress list starts fresh",
                        file.display()
                    )),
                ),
            },
        }
    }

    /// Records the results of grading the learner's code.
    pub fn record(&mut self, results: &[KataResult]) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for result in results {
            let entry = self.katas.entry(result.id.clone()).or_default();
            entry.status = Some(result.status);
            // A kata that does not compile ran no test: its "tests" are the
            // test files that could not be built, not a count to show.
            let ran = result.status != KataStatus::CompileError;
            entry.passed_tests = if ran { result.passed_tests() } else { 0 };
            entry.total_tests = if ran { result.tests.len() } else { 0 };
            entry.graded_at = now;
        }
    }

    pub fn kata(&self, id: &str) -> KataProgress {
        self.katas.get(id).cloned().unwrap_or_default()
    }

    pub fn kata_mut(&mut self, id: &str) -> &mut KataProgress {
        self.katas.entry(id.to_string()).or_default()
    }

    /// How many of `ids` passed when last graded.
    pub fn passed_among<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> usize {
        ids.into_iter()
            .filter(|id| self.katas.get(*id).and_then(|k| k.status) == Some(KataStatus::Passed))
            .count()
    }

    /// Writes the state atomically.
    pub fn save(&self, root: &Path) -> Result<()> {
        let file = path(root);
        let dir = file.parent().unwrap();
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer_pretty(&mut tmp, self)?;
        std::io::Write::write_all(&mut tmp, b"\n")?;
        tmp.as_file().sync_all()?;
        tmp.persist(&file)
            .with_context(|| format!("cannot write {}", file.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let (state, notice) = State::load(dir.path());
        assert_eq!(state, State::default());
        assert!(notice.is_none());
    }

    #[test]
    fn a_corrupt_file_is_rebuilt_with_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".grader")).unwrap();
        std::fs::write(path(dir.path()), "{ not json").unwrap();
        let (state, notice) = State::load(dir.path());
        assert_eq!(state, State::default());
        assert!(notice.unwrap().contains("damaged"));
        // And saving over it works.
        state.save(dir.path()).unwrap();
        assert_eq!(State::load(dir.path()).0, State::default());
    }

    #[test]
    fn saves_and_loads_progress() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::default();
        state.kata_mut("07-timeout").hints_shown = 2;
        state.kata_mut("07-timeout").status = Some(KataStatus::Passed);
        state.save(dir.path()).unwrap();
        let (loaded, _) = State::load(dir.path());
        assert_eq!(loaded, state);
        assert_eq!(
            loaded.passed_among(["07-timeout", "15-graceful-shutdown"]),
            1
        );
        // No temporary files are left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path().join(".grader"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
    }
}
