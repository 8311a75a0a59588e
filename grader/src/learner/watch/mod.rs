//! `watch [KATA]`: grade again on every save.
//!
//! The loop a learner lives in: edit, save, read the verdict. Three sources
//! of events feed one channel, handled on the main thread:
//!
//! - the file watcher (`input.rs`; only writes, creations and removals
//!   count, since the build itself reads every file), debounced so that one
//!   save is one grading; it says *which katas* changed, so only those are
//!   graded again and the focus follows the kata being worked on;
//! - the keyboard (`q` or Ctrl-C quits, `h` shows the next hint, `r`
//!   grades the focused kata again);
//! - the grading thread, which reports results.
//!
//! Grading runs on its own thread so the keyboard always answers: quitting
//! in the middle of a slow grade kills its processes at once. What is on
//! the screen, and where the focus goes after a pass, is `screen.rs`.

mod input;
mod screen;

use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::time::Duration;

use anyhow::Result;

use crate::course::discover::Repo;
use crate::learner::state::State;
use crate::pipeline::{self, RunOptions};
use crate::ui;
use crate::verdict::KataResult;
use screen::Screen;

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

/// Watches until the learner quits. `focus` is the kata to start on (an
/// id); `poll` looks at the files instead of waiting for events.
pub fn run(repo: Repo, focus: Option<String>, options: RunOptions, poll: bool) -> Result<i32> {
    let (state, notice) = State::load(&repo.root);
    let (tx, rx) = channel::<Event>();
    let (_watcher, polling) = input::watch_katas(&repo.root, tx.clone(), poll)?;

    let _terminal = ui::RawTerminal::enter();
    input::spawn_key_reader(tx.clone());

    let mut screen = Screen::new(repo, focus, state, notice.or(polling));
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
            Event::Key(Key::Regrade) => screen.regrade_focus(),
            Event::Files(paths) => screen.files_changed(&paths),
            Event::Graded(outcome, took) => screen.graded(outcome, took),
        }
        if screen.idle() {
            screen.start_grading(&tx, &options);
        }
        screen.draw();
    }
    // Whatever is still running (a slow grade) goes with us.
    pipeline::process::kill_all_groups();
    Ok(0)
}
