//! What watch listens to: file changes under `katas/` and the keyboard.
//!
//! File events come from the operating system (inotify, FSEvents, …) when
//! they can. On some mounts (network drives, folders shared into a
//! container) they never arrive: a probe written at start-up shows whether
//! they do, and if not, watch looks at the files twice a second instead,
//! and says so. `--poll` asks for that from the start.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use notify::{EventKind, RecursiveMode, Watcher};

use super::{Event, Key};

/// How often files are looked at when events do not arrive.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// How long the probe waits for its own event before giving up on events.
const PROBE_WAIT: Duration = Duration::from_secs(2);

/// Starts watching `katas/` under `root`; the watcher must be kept alive.
/// The note says when watch fell back to polling.
pub fn watch_katas(
    root: &Path,
    tx: Sender<Event>,
    poll: bool,
) -> Result<(Box<dyn Watcher + Send>, Option<String>)> {
    let forward = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        // Reading a file (cargo does, for every build) is not a change.
        if matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) {
            let _ = tx.send(Event::Files(event.paths));
        }
    };
    let katas = root.join("katas");
    let note = match poll {
        true => None,
        false if events_arrive(root) => {
            let mut watcher = notify::recommended_watcher(forward)
                .context("cannot watch the katas for changes")?;
            watcher
                .watch(&katas, RecursiveMode::Recursive)
                .context("cannot watch katas/ for changes")?;
            return Ok((Box::new(watcher), None));
        }
        false => Some(format!(
            "File events do not arrive in this folder (a network or container mount?), so watch \
             looks for changes every {} ms instead. `watch --poll` starts that way.",
            POLL_EVERY.as_millis()
        )),
    };
    let config = notify::Config::default().with_poll_interval(POLL_EVERY);
    let mut watcher =
        notify::PollWatcher::new(forward, config).context("cannot watch the katas for changes")?;
    watcher
        .watch(&katas, RecursiveMode::Recursive)
        .context("cannot watch katas/ for changes")?;
    Ok((Box::new(watcher), note))
}

/// Whether the system reports a file written under `.grader/` (beside
/// `katas/`, on the same mount, and never the learner's files).
fn events_arrive(root: &Path) -> bool {
    let dir = root.join(".grader").join("watch-probe");
    if std::fs::create_dir_all(&dir).is_err() {
        return true; // cannot tell: keep the usual way
    }
    let (tx, rx) = channel();
    let Ok(mut probe) = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| matches!(e.kind, EventKind::Create(_) | EventKind::Modify(_))) {
            let _ = tx.send(());
        }
    }) else {
        return false;
    };
    if probe.watch(&dir, RecursiveMode::NonRecursive).is_err() {
        return false;
    }
    if std::fs::write(dir.join("probe"), std::process::id().to_string()).is_err() {
        return true;
    }
    rx.recv_timeout(PROBE_WAIT).is_ok()
}

/// Only source-like files can change a verdict; this skips editors' swap
/// and backup files (`.lib.rs.swp`, `lib.rs~`, `4913`).
pub fn is_source(path: &Path) -> bool {
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
pub fn spawn_key_reader(tx: Sender<Event>) {
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
