//! `watch [KATA]`: grade again on every save.
//!
//! The loop a learner lives in: edit, save, read the verdict. Three sources
//! of events feed one channel, handled on the main thread:
//!
//! - the file watcher (notify; only writes, creations and removals count,
//!   since the build itself reads every file), debounced so that one save
//!   is one grading; it says *which katas* changed, so only those are
//!   graded again and the focus follows the kata being worked on;
//! - the keyboard (`q` or Ctrl-C quits, `h` shows the next hint, `r`
//!   grades the focused kata again);
//! - the grading thread, which reports results.
//!
//! Grading runs on its own thread so the keyboard always answers: quitting
//! in the middle of a slow grade kills its processes at once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::checks::integrity;
use crate::course::discover::{self, Repo};
use crate::learner::state::State;
use crate::pipeline::{self, RunOptions, Subject};
use crate::report::human::detail;
use crate::report::table::{self, Row};
use crate::ui::{self, Progress, BOLD, DIM, RED};
use crate::verdict::{KataResult, KataStatus};

/// Long enough to merge an editor's write-and-rename into one event, short
/// enough to stay well inside the save-to-verdict budget.
const DEBOUNCE: Duration = Duration::from_millis(40);

enum Event {
    /// Files changed under `katas/`.
    Files(Vec<PathBuf>),
    Key(Key),
    Graded(Result<Vec<KataResult>, String>, Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Quit,
    Hint,
    Regrade,
}

/// What the screen shows, rebuilt from events.
struct Screen {
    repo: Arc<Repo>,
    results: BTreeMap<String, KataResult>,
    focus: Option<String>,
    /// Katas waiting to be graded.
    pending: BTreeSet<String>,
    grading: Vec<String>,
    note: Option<String>,
    state: State,
    /// Gradings finished so far and how long the last one took.
    runs: u64,
    last_took: Duration,
}

pub fn run(repo: Repo, kata: Option<String>, options: RunOptions) -> Result<i32> {
    let focus = match &kata {
        Some(name) => Some(discover::find_kata(&repo.katas, name)?.id.clone()),
        None => None,
    };
    let (state, notice) = State::load(&repo.root);
    let (tx, rx) = channel::<Event>();

    let mut watcher = notify::recommended_watcher({
        let tx = tx.clone();
        move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            // Reading a file (cargo does, for every build) is not a change.
            if matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            ) {
                let _ = tx.send(Event::Files(event.paths));
            }
        }
    })
    .context("cannot watch the katas for changes")?;
    watcher
        .watch(&repo.root.join("katas"), RecursiveMode::Recursive)
        .context("cannot watch katas/ for changes")?;

    let _terminal = ui::RawTerminal::enter();
    spawn_key_reader(tx.clone());

    let mut screen = Screen {
        pending: match &focus {
            Some(id) => BTreeSet::from([id.clone()]),
            None => repo.katas.iter().map(|k| k.id.clone()).collect(),
        },
        repo: Arc::new(repo),
        results: BTreeMap::new(),
        focus,
        grading: Vec::new(),
        note: notice,
        state,
        runs: 0,
        last_took: Duration::ZERO,
    };
    screen.start_grading(&tx, &options);
    screen.draw();

    while let Ok(mut event) = rx.recv() {
        // One save is often several events (write, then rename): gather
        // what arrives shortly after, then grade once.
        if let Event::Files(paths) = &mut event {
            while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
                match more {
                    Event::Files(more) => paths.extend(more),
                    other => {
                        let paths = std::mem::take(paths);
                        screen.files_changed(&paths);
                        event = other;
                        break;
                    }
                }
            }
        }
        match event {
            Event::Key(Key::Quit) => break,
            Event::Key(Key::Hint) => screen.next_hint(),
            Event::Key(Key::Regrade) => {
                if let Some(focus) = screen.focus.clone() {
                    screen.pending.insert(focus);
                }
            }
            Event::Files(paths) => screen.files_changed(&paths),
            Event::Graded(outcome, took) => {
                screen.runs += 1;
                screen.last_took = took;
                screen.graded(outcome);
            }
        }
        if screen.grading.is_empty() {
            screen.start_grading(&tx, &options);
        }
        screen.draw();
    }
    // Whatever is still running (a slow grade) goes with us.
    pipeline::process::kill_all_groups();
    Ok(0)
}

impl Screen {
    fn files_changed(&mut self, paths: &[PathBuf]) {
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

    fn start_grading(&mut self, tx: &Sender<Event>, options: &RunOptions) {
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
                    results
                });
            let _ = tx.send(Event::Graded(
                outcome.map_err(|e| format!("{e:#}")),
                started.elapsed(),
            ));
        });
    }

    fn graded(&mut self, outcome: Result<Vec<KataResult>, String>) {
        self.grading.clear();
        match outcome {
            Ok(results) => {
                self.state.record(&results);
                if let Err(e) = self.state.save(&self.repo.root) {
                    self.note = Some(format!("could not save your progress: {e:#}"));
                }
                if self.focus.is_none() {
                    self.focus = results
                        .iter()
                        .find(|r| r.status != KataStatus::Passed)
                        .map(|r| r.id.clone());
                }
                for result in results {
                    self.results.insert(result.id.clone(), result);
                }
            }
            Err(e) => self.note = Some(e),
        }
    }

    fn next_hint(&mut self) {
        let Some(kata) = self
            .focus
            .as_ref()
            .and_then(|f| self.repo.katas.iter().find(|k| &k.id == f))
        else {
            return;
        };
        let (index, hint) = self.state.next_hint(kata);
        self.note = Some(format!(
            "Hint {} of {}: {hint}",
            index + 1,
            kata.meta.hints.len(),
        ));
        let _ = self.state.save(&self.repo.root);
    }

    fn draw(&self) {
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
                label: table::label(
                    self.results
                        .get(&kata.id)
                        .map(|r| r.status)
                        .or(self.state.kata(&kata.id).status),
                ),
                note: match self.grading.contains(&kata.id) {
                    true => "grading…".into(),
                    false => String::new(),
                },
                focused: self.focus.as_deref() == Some(kata.id.as_str()),
            })
            .collect();
        // Katas that cannot be graded at all (a broken kata.toml, a deleted
        // src/lib.rs) are listed with the reason; watching goes on.
        rows.extend(self.repo.problems.iter().map(|problem| Row {
            id: &problem.id,
            title: "",
            chapter: 0,
            label: ("✗ cannot be graded", RED),
            note: problem.message.lines().next().unwrap_or("").to_string(),
            focused: false,
        }));
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
                (Some(result), Some(kata)) => out.push_str(&detail(kata, result)),
                (None, Some(_)) => out.push_str(&format!("{DIM}Grading {focus}…{DIM:#}\n")),
                _ => {}
            }
        }
        if let Some(note) = &self.note {
            let wrapped = textwrap::fill(note, 100);
            out.push_str(&format!("\n{RED}{wrapped}{RED:#}\n"));
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

/// Only source-like files can change a verdict; this skips editors' swap
/// and backup files (`.lib.rs.swp`, `lib.rs~`, `4913`).
fn is_source(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with('.') {
        return false;
    }
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("rs" | "toml" | "snap" | "stderr" | "stdout")
    ) || path.is_dir()
        || !path.exists()
}

/// Reads keys: single key presses on a terminal, lines otherwise.
fn spawn_key_reader(tx: Sender<Event>) {
    std::thread::spawn(move || {
        if std::io::stdin().is_terminal() {
            while let Ok(event) = event::read() {
                let TermEvent::Key(key) = event else { continue };
                if key.kind != KeyEventKind::Press {
                    continue;
                }
                let key = match key.code {
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Key::Quit
                    }
                    KeyCode::Char('q') | KeyCode::Esc => Key::Quit,
                    KeyCode::Char('h') => Key::Hint,
                    KeyCode::Char('r') => Key::Regrade,
                    _ => continue,
                };
                if tx.send(Event::Key(key)).is_err() {
                    return;
                }
            }
        } else {
            let mut byte = [0u8; 1];
            let mut stdin = std::io::stdin();
            loop {
                let key = match stdin.read(&mut byte) {
                    Ok(0) | Err(_) => return, // no input at all: run until killed
                    Ok(_) => match byte[0] {
                        b'q' => Key::Quit,
                        b'h' => Key::Hint,
                        b'r' => Key::Regrade,
                        _ => continue,
                    },
                };
                if tx.send(Event::Key(key)).is_err() {
                    return;
                }
            }
        }
    });
    let _ = std::io::stdout().flush();
}
