//! What watch shows, and how it follows the learner: the kata table, the
//! kata in focus in full, a hint (only under its own kata), and where to
//! go once the kata in focus passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use super::Event;
use super::input::is_source;
use crate::checks::integrity;
use crate::course::discover::{self, Repo};
use crate::learner::next::next_kata;
use crate::learner::state::State;
use crate::pipeline::{self, RunOptions, Subject};
use crate::report::human::{Guide, detail};
use crate::report::table::{self, Row};
use crate::ui::{self, BOLD, DIM, Progress, YELLOW};
use crate::verdict::{KataResult, KataStatus};

/// What the screen shows, rebuilt from events.
pub struct Screen {
    repo: Arc<Repo>,
    results: BTreeMap<String, KataResult>,
    focus: Option<String>,
    /// Katas waiting to be graded.
    pending: BTreeSet<String>,
    grading: Vec<String>,
    /// The last hint asked for, and the kata it is for.
    hint: Option<(String, String)>,
    note: Option<String>,
    state: State,
    /// Gradings finished so far and how long the last one took.
    runs: u64,
    last_took: Duration,
}

impl Screen {
    pub fn new(repo: Repo, focus: Option<String>, state: State, note: Option<String>) -> Screen {
        Screen {
            pending: match &focus {
                Some(id) => BTreeSet::from([id.clone()]),
                None => repo.katas.iter().map(|k| k.id.clone()).collect(),
            },
            repo: Arc::new(repo),
            results: BTreeMap::new(),
            focus,
            grading: Vec::new(),
            hint: None,
            note,
            state,
            runs: 0,
            last_took: Duration::ZERO,
        }
    }

    /// Nothing is being graded.
    pub fn idle(&self) -> bool {
        self.grading.is_empty()
    }

    /// `r`: grade the kata in focus again.
    pub fn regrade_focus(&mut self) {
        if let Some(focus) = self.focus.clone() {
            self.pending.insert(focus);
        }
    }

    fn guide(&self) -> Guide {
        Guide {
            learner: true,
            watching: true,
            hints_seen: self
                .state
                .katas
                .iter()
                .map(|(id, progress)| (id.clone(), progress.hints_shown))
                .collect(),
            next: None,
            trusted_ref: None,
        }
    }

    pub fn files_changed(&mut self, paths: &[PathBuf]) {
        let katas_dir = self.repo.root.join("katas");
        let mut manifests_changed = false;
        for path in paths {
            let Ok(inside) = path.strip_prefix(&katas_dir) else {
                continue;
            };
            let mut parts = inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string());
            let Some(dir) = parts.next() else { continue };
            let rest: Vec<String> = parts.collect();
            if rest.first().is_some_and(|p| p == "target") || !is_source(path) {
                continue; // build output, editor swap files
            }
            if rest.is_empty()
                || rest
                    .last()
                    .is_some_and(|f| f == "Cargo.toml" || f == "kata.toml")
            {
                manifests_changed = true;
            }
            if self.repo.katas.iter().any(|k| k.id == dir) {
                self.pending.insert(dir.clone());
                self.focus = Some(dir);
            } else if dir == "support" {
                // Shared test support: every kata graded so far depends on it.
                self.pending.extend(self.results.keys().cloned());
            } else {
                manifests_changed = true; // a kata appeared or vanished
            }
        }
        if manifests_changed {
            self.rediscover();
        }
    }

    fn rediscover(&mut self) {
        match discover::discover(&self.repo.root) {
            Ok(repo) => {
                // A kata that was broken and now is fixed (or a new one) is graded.
                let new_katas = repo
                    .katas
                    .iter()
                    .filter(|k| !self.repo.katas.iter().any(|old| old.id == k.id));
                self.pending.extend(new_katas.map(|k| k.id.clone()));
                self.pending
                    .retain(|id| repo.katas.iter().any(|k| &k.id == id));
                self.results
                    .retain(|id, _| repo.katas.iter().any(|k| &k.id == id));
                if self
                    .focus
                    .as_ref()
                    .is_some_and(|f| !repo.katas.iter().any(|k| &k.id == f))
                {
                    // The kata in focus is gone: fall back to the first one
                    // that still needs work.
                    self.focus = repo
                        .katas
                        .iter()
                        .find(|k| {
                            self.results
                                .get(&k.id)
                                .is_some_and(|r| r.status != KataStatus::Passed)
                        })
                        .map(|k| k.id.clone());
                }
                self.repo = Arc::new(repo);
            }
            Err(e) => self.note = Some(format!("{e:#}")),
        }
    }

    pub fn start_grading(&mut self, tx: &Sender<Event>, options: &RunOptions) {
        if self.pending.is_empty() {
            return;
        }
        self.grading = std::mem::take(&mut self.pending).into_iter().collect();
        let repo = self.repo.clone();
        let ids = self.grading.clone();
        let options = options.clone();
        let tx = tx.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let subjects: Vec<Subject> = repo
                .katas
                .iter()
                .filter(|k| ids.contains(&k.id))
                .map(Subject::working)
                .collect();
            let outcome = pipeline::grade_all(&repo, &subjects, &options, &Progress::new(false))
                .map(|mut results| {
                    integrity::mark_edited(&repo, &subjects, &mut results);
                    crate::learner::progress::refine(&repo, &mut results);
                    results
                });
            let _ = tx.send(Event::Graded(
                outcome.map_err(|e| format!("{e:#}")),
                started.elapsed(),
            ));
        });
    }

    pub fn graded(&mut self, outcome: Result<Vec<KataResult>, String>, took: Duration) {
        self.runs += 1;
        self.last_took = took;
        self.grading.clear();
        let results = match outcome {
            Ok(results) => results,
            Err(e) => {
                self.note = Some(e);
                return;
            }
        };
        let was_passed =
            |id: &str| self.results.get(id).map(|r| r.status) == Some(KataStatus::Passed);
        // The focused kata has just passed: move on to the next one.
        let just_passed = self.focus.clone().filter(|focus| {
            !was_passed(focus)
                && results
                    .iter()
                    .any(|r| &r.id == focus && r.status == KataStatus::Passed)
        });
        self.state.record(&results);
        if let Err(e) = self.state.save(&self.repo.root) {
            self.note = Some(format!("could not save your progress: {e:#}"));
        }
        for result in results {
            self.results.insert(result.id.clone(), result);
        }
        if let Some(passed) = just_passed {
            self.move_on(&passed);
        } else if self.focus.is_none() {
            self.focus = next_kata(&self.repo.katas, &self.state, None).map(|k| k.id.clone());
        }
    }

    /// After `passed` passes, the focus goes to the next kata not passed,
    /// and the learner is told where they are going and what it teaches.
    fn move_on(&mut self, passed: &str) {
        let Some(next) = next_kata(&self.repo.katas, &self.state, Some(passed)) else {
            self.note = Some(format!(
                "{passed} passes, and with it every kata. Well done!"
            ));
            return;
        };
        let summary = match next.meta.summary.is_empty() {
            true => String::new(),
            false => format!(": {}", next.meta.summary),
        };
        self.note = Some(format!(
            "{passed} passes! On to {} · {}{summary} (katas/{}/README.md)",
            next.id, next.meta.title, next.id
        ));
        self.focus = Some(next.id.clone());
        self.hint = None;
        if !self.results.contains_key(&next.id) {
            self.pending.insert(next.id.clone());
        }
    }

    pub fn next_hint(&mut self) {
        let Some(kata) = self
            .focus
            .as_ref()
            .and_then(|f| self.repo.katas.iter().find(|k| &k.id == f))
        else {
            return;
        };
        let (index, hint) = self.state.next_hint(kata);
        let text = format!(
            "Hint {} of {} for {}: {hint}",
            index + 1,
            kata.meta.hints.len(),
            kata.id
        );
        // A hint belongs to its kata: shown only while that kata is in focus.
        self.hint = Some((kata.id.clone(), text));
        let _ = self.state.save(&self.repo.root);
    }

    pub fn draw(&self) {
        let mut out = String::new();
        out.push_str(&format!("{BOLD}Tokio Katas · watch mode{BOLD:#}\n\n"));
        let passed = self
            .state
            .passed_among(self.repo.katas.iter().map(|k| k.id.as_str()));
        let mut rows: Vec<Row<'_>> = self
            .repo
            .katas
            .iter()
            .map(|kata| Row {
                id: &kata.id,
                title: &kata.meta.title,
                chapter: kata.meta.chapter,
                status: self
                    .results
                    .get(&kata.id)
                    .map(|r| r.status)
                    .or(self.state.kata(&kata.id).status)
                    .into(),
                note: match self.grading.contains(&kata.id) {
                    true => "grading…".into(),
                    false => String::new(),
                },
                focused: self.focus.as_deref() == Some(kata.id.as_str()),
            })
            .collect();
        // Katas that cannot be graded at all (a broken kata.toml, a deleted
        // src/lib.rs) are listed with the reason; watching goes on.
        rows.extend(self.repo.problems.iter().map(Row::cannot_be_read));
        out.push_str(&table::render(&rows));
        out.push_str(&format!(
            "\n{BOLD}{passed}/{} passed{BOLD:#}\n\n",
            self.repo.katas.len()
        ));
        if let Some(focus) = &self.focus {
            match (
                self.results.get(focus),
                self.repo.katas.iter().find(|k| &k.id == focus),
            ) {
                (Some(result), Some(kata)) => out.push_str(&detail(kata, result, &self.guide())),
                (None, Some(_)) => out.push_str(&format!("{DIM}Grading {focus}…{DIM:#}\n")),
                _ => {}
            }
        }
        if let Some((_, hint)) = self
            .hint
            .as_ref()
            .filter(|(id, _)| self.focus.as_ref() == Some(id))
        {
            out.push_str(&format!("\n{BOLD}{}{BOLD:#}\n", ui::wrap(hint, 100, "")));
        }
        if let Some(note) = &self.note {
            out.push_str(&format!(
                "\n{YELLOW}{}{YELLOW:#}\n",
                ui::wrap(note, 100, "")
            ));
        }
        if self.runs > 0 {
            out.push_str(&format!(
                "\n{DIM}Graded {} time(s); the last took {:.2}s.{DIM:#}",
                self.runs,
                self.last_took.as_secs_f64()
            ));
        }
        out.push_str(&format!(
            "\n{DIM}Watching katas/ for changes: save a file to grade it again · [h] next hint · [r] grade again · [q] quit{DIM:#}\n"
        ));
        ui::redraw(&out);
    }
}
