//! The learner's loop, tested the way a learner uses it: `hint`, `list`,
//! `reset` and `watch` in a private checkout of the repository (they write
//! files: progress, backups, the kata being worked on), with `watch` driven
//! in a real terminal through tmux.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use assert_cmd::Command;

use common::{Checkout, grader_binary, repo};

/// A kata's file in the checkout, the one the learner edits.
fn kata_file(checkout: &Checkout, kata: &str) -> PathBuf {
    checkout.path(&format!("katas/{kata}/src/lib.rs"))
}

fn stdout_of(cmd: &mut Command) -> String {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{:?} failed: {}\n{}",
        cmd,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn hints_come_one_at_a_time_then_all() {
    let checkout = Checkout::new();
    for n in 1..=3 {
        let out = stdout_of(&mut checkout.grader(&["hint", "07"]));
        assert!(
            out.contains(&format!("Hint {n} of 3 for 07-timeout")),
            "ask #{n}:\n{out}"
        );
        assert!(
            !out.contains(&format!("Hint {} of 3", n + 1)),
            "only one hint at a time:\n{out}"
        );
    }
    // Past the last hint, the last one again, and where to read on.
    let out = stdout_of(&mut checkout.grader(&["hint", "timeout"]));
    assert!(
        out.contains("Hint 3 of 3") && out.contains("last hint"),
        "{out}"
    );
    let out = stdout_of(&mut checkout.grader(&["hint", "15", "--all"]));
    for n in 1..=3 {
        assert!(
            out.contains(&format!("Hint {n} of 3 for 15-graceful-shutdown")),
            "{out}"
        );
    }
    let list = stdout_of(&mut checkout.grader(&["list"]));
    assert!(list.contains("3/3 hints"), "{list}");
}

#[test]
fn a_damaged_progress_file_is_rebuilt_not_a_crash() {
    let checkout = Checkout::new();
    std::fs::create_dir_all(checkout.root().join(".grader")).unwrap();
    std::fs::write(
        checkout.root().join(".grader/state.json"),
        b"{\"katas\": [oops",
    )
    .unwrap();
    let out = stdout_of(&mut checkout.grader(&["hint", "07"]));
    assert!(out.contains("Hint 1 of 3"), "{out}");
    let state = std::fs::read_to_string(checkout.root().join(".grader/state.json")).unwrap();
    let state: serde_json::Value =
        serde_json::from_str(&state).expect("the state file is valid JSON again");
    assert_eq!(state["katas"]["07-timeout"]["hints_shown"], 1);
}

#[test]
fn reset_backs_up_the_learner_s_file_byte_for_byte() {
    let checkout = Checkout::new();
    let file = kata_file(&checkout, "07-timeout");
    let stub = std::fs::read(&file).unwrap();
    // Work in progress, with bytes that are not even UTF-8.
    let mut work = b"// my work in progress: caf\xc3\xa9\n".to_vec();
    work.extend_from_slice(&[0xff, 0xfe, b'\n']);
    work.extend_from_slice(&stub);
    std::fs::write(&file, &work).unwrap();

    // No terminal to ask: nothing happens without --yes.
    let refused = checkout.grader(&["reset", "07"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        work,
        "reset changed the file without asking"
    );

    let out = stdout_of(&mut checkout.grader(&["reset", "07", "--yes"]));
    assert_eq!(std::fs::read(&file).unwrap(), stub, "the stub is back");
    let backup = out
        .lines()
        .find_map(|l| l.strip_prefix("Your version was saved first: "))
        .unwrap_or_else(|| panic!("no backup path printed:\n{out}"));
    let backup = Path::new(backup.trim());
    assert!(
        backup.is_absolute() && backup.starts_with(checkout.root()),
        "{}",
        backup.display()
    );
    assert_eq!(
        std::fs::read(backup).unwrap(),
        work,
        "the backup holds the learner's bytes exactly"
    );

    // Restoring the backup as printed gives the learner's file back.
    std::fs::copy(backup, &file).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), work);

    // A second reset keeps the first backup and makes another.
    let out = stdout_of(&mut checkout.grader(&["reset", "07", "-y"]));
    assert!(out.contains("saved first"), "{out}");
    assert_eq!(
        std::fs::read_dir(checkout.root().join(".grader/backups"))
            .unwrap()
            .count(),
        2
    );
    let out = stdout_of(&mut checkout.grader(&["reset", "07", "-y"]));
    assert!(out.contains("already the stub"), "{out}");
}

/// Runs the grader in a pseudo-terminal (script(1)), as a learner sees it.
fn in_a_terminal(checkout: &Checkout, args: &str, no_color: bool) -> Vec<u8> {
    let mut cmd = checkout.command("script");
    cmd.args([
        "-qec",
        &format!("{} {args}", grader_binary().display()),
        "/dev/null",
    ])
    .env("TERM", "xterm-256color")
    .stdin(std::process::Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    cmd.output().expect("script(1) runs").stdout
}

#[test]
fn no_color_output_is_free_of_escape_codes() {
    if StdCommand::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: script(1) is not installed (Debian: bsdutils)");
        return;
    }
    let checkout = Checkout::new();
    let coloured = in_a_terminal(&checkout, "25", false);
    assert!(
        coloured.windows(2).any(|w| w == b"\x1b["),
        "a terminal gets colours by default"
    );
    let plain = in_a_terminal(&checkout, "25", true);
    let text = String::from_utf8_lossy(&plain);
    assert!(text.contains("25-no-thread-sleep"), "{text}");
    assert!(
        !plain.contains(&0x1b),
        "NO_COLOR output has escape codes:\n{text:?}"
    );
}

/// tmux, driven like a person at a keyboard.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a new tmux server, whose environment (and so
    /// the grader's) is the checkout's cleaned one.
    fn start(checkout: &Checkout, command: &str) -> Option<Tmux> {
        if StdCommand::new("tmux").arg("-V").output().is_err() {
            eprintln!("SKIPPED: tmux is not installed (.ci/run installs it for CI)");
            return None;
        }
        // One server per test: tests run in parallel, and each kills its
        // own server when it ends.
        static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!("katas-test-{}-{n}", std::process::id()),
        };
        let script = format!(
            "cd {} && {command}; echo EXITED $?",
            checkout.root().display()
        );
        // The client that starts a tmux server passes it its environment;
        // the server itself stays outside the checkout, whose processes are
        // checked for leftovers.
        let status = checkout
            .command("tmux")
            .current_dir(repo())
            .arg("-L")
            .arg(&tmux.socket)
            .args([
                "new-session",
                "-d",
                "-x",
                "150",
                "-y",
                "200",
                "-s",
                "watch",
                &script,
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        tmux.run(&["set-option", "-t", "watch", "remain-on-exit", "on"]);
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = StdCommand::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "watch"])
    }

    /// Waits until the screen shows `text` (the grader builds, so allow
    /// for a cold build the first time).
    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < limit,
                "waited {limit:?} for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// Processes (other than tmux's shell) whose working directory is inside `dir`.
fn processes_inside(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cwd) = std::fs::read_link(entry.path().join("cwd")) else {
            continue;
        };
        if cwd.starts_with(dir) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push(String::from_utf8_lossy(&cmdline).replace('\0', " "));
        }
    }
    found
}

#[test]
fn watch_grades_again_on_save_and_quits_cleanly() {
    let checkout = Checkout::new();
    let command = format!("{} watch 07", grader_binary().display());
    let Some(tmux) = Tmux::start(&checkout, &command) else {
        return;
    };
    let screen = tmux.wait_for("Graded 1 time(s)", Duration::from_secs(600));
    assert!(
        screen.contains("▶ 07-timeout") && screen.contains("not started"),
        "{screen}"
    );

    // Save a solution: only that kata is graded again, and it passes.
    let file = kata_file(&checkout, "07-timeout");
    std::fs::write(
        &file,
        std::fs::read(repo().join("solutions/07-timeout/src/lib.rs")).unwrap(),
    )
    .unwrap();
    // It passes, and watch moves on to the next kata (saying so).
    let screen = tmux.wait_for(
        "07-timeout passes! On to 08-deadline-retry",
        Duration::from_secs(120),
    );
    assert!(
        screen.contains("Graded 2 time(s)"),
        "one save, one grading:\n{screen}"
    );
    let katas = std::fs::read_dir(checkout.root().join("katas"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("kata.toml").is_file())
        .count();
    assert!(screen.contains(&format!("1/{katas} passed")), "{screen}");

    // A compile error is shown, and the watch goes on.
    std::fs::write(&file, "pub fn oops( {}\n").unwrap();
    let screen = tmux.wait_for("compile error", Duration::from_secs(120));
    assert!(
        screen.contains("The compiler says") && screen.contains("Watching katas/"),
        "{screen}"
    );

    // A kata deleted mid-watch, and one whose kata.toml breaks: both are
    // reported, nothing panics, and watching goes on.
    std::fs::remove_dir_all(checkout.root().join("katas/25-no-thread-sleep")).unwrap();
    std::fs::write(
        checkout.root().join("katas/15-graceful-shutdown/kata.toml"),
        "title = \n",
    )
    .unwrap();
    let screen = tmux.wait_for("cannot be graded", Duration::from_secs(60));
    assert!(
        !screen.contains("25-no-thread-sleep"),
        "the deleted kata is gone:\n{screen}"
    );
    assert!(
        screen.contains("15-graceful-shutdown") && screen.contains("Watching katas/"),
        "{screen}"
    );

    // `h` shows the next hint on the screen, naming its kata.
    tmux.run(&["send-keys", "-t", "watch", "h"]);
    tmux.wait_for("Hint 1 of 3 for ", Duration::from_secs(10));

    // `q` quits and leaves nothing running in the repository.
    tmux.run(&["send-keys", "-t", "watch", "q"]);
    tmux.wait_for("EXITED 0", Duration::from_secs(10));
    let left = processes_inside(checkout.root());
    assert!(left.is_empty(), "processes left behind: {left:?}");
    drop(tmux);

    // Ctrl-C quits too, even in the middle of grading, and the terminal is
    // usable afterwards (the shell prints the exit status normally).
    let Some(tmux) = Tmux::start(&checkout, &command) else {
        return;
    };
    tmux.wait_for("Watching katas/", Duration::from_secs(120));
    tmux.run(&["send-keys", "-t", "watch", "C-c"]);
    tmux.wait_for("EXITED 0", Duration::from_secs(10));
    let left = processes_inside(checkout.root());
    assert!(
        left.is_empty(),
        "processes left behind after Ctrl-C: {left:?}"
    );
}

/// Issue 12's journey: a new learner goes 01 → 02 → 03 with `watch` alone,
/// each next kata named when the last one passes, and a hint stays under
/// the kata it is for.
#[test]
fn watch_takes_a_learner_from_one_kata_to_the_next() {
    let checkout = Checkout::new();
    let command = format!("{} watch 01", grader_binary().display());
    let Some(tmux) = Tmux::start(&checkout, &command) else {
        return;
    };
    let screen = tmux.wait_for("Graded 1 time(s)", Duration::from_secs(600));
    assert!(screen.contains("▶ 01-lazy-futures"), "{screen}");
    tmux.run(&["send-keys", "-t", "watch", "h"]);
    let screen = tmux.wait_for("Hint 1 of ", Duration::from_secs(10));
    assert!(screen.contains("for 01-lazy-futures:"), "{screen}");

    let solve = |kata: &str| {
        std::fs::write(
            kata_file(&checkout, kata),
            std::fs::read(repo().join("solutions").join(kata).join("src/lib.rs")).unwrap(),
        )
        .unwrap();
    };
    // A failing save first: the detail says what to do without sending the
    // learner to run the grader by hand (watch is doing that).
    std::fs::write(
        kata_file(&checkout, "01-lazy-futures"),
        "pub fn nothing() {}\n",
    )
    .unwrap();
    let screen = tmux.wait_for("Graded 2 time(s)", Duration::from_secs(120));
    assert!(!screen.contains("cargo run -p grader -- 01"), "{screen}");

    solve("01-lazy-futures");
    let screen = tmux.wait_for("On to 02-runtime-by-hand", Duration::from_secs(120));
    assert!(screen.contains("01-lazy-futures passes!"), "{screen}");
    assert!(screen.contains("▶ 02-runtime-by-hand"), "{screen}");
    assert!(!screen.contains("for 01-lazy-futures:"), "{screen}");
    tmux.wait_for("Graded 4 time(s)", Duration::from_secs(120));

    // A hint belongs to its kata: 02's hint is not shown once a save of
    // 01 moves the focus back there.
    tmux.run(&["send-keys", "-t", "watch", "h"]);
    tmux.wait_for("for 02-runtime-by-hand:", Duration::from_secs(10));
    let lib = kata_file(&checkout, "01-lazy-futures");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("// looked again\n");
    std::fs::write(&lib, text).unwrap();
    let screen = tmux.wait_for("Graded 5 time(s)", Duration::from_secs(120));
    assert!(screen.contains("▶ 01-lazy-futures"), "{screen}");
    assert!(!screen.contains("for 02-runtime-by-hand:"), "{screen}");

    solve("02-runtime-by-hand");
    let screen = tmux.wait_for("On to 03-runtime-builder", Duration::from_secs(120));
    assert!(screen.contains("▶ 03-runtime-builder"), "{screen}");
    tmux.run(&["send-keys", "-t", "watch", "q"]);
    tmux.wait_for("EXITED 0", Duration::from_secs(10));
}

/// `watch --poll` looks at the files instead of waiting for the system's
/// events (for mounts where those never arrive), and still grades a save.
#[test]
fn watch_with_poll_grades_a_save_too() {
    let checkout = Checkout::new();
    let command = format!("{} watch --poll 07", grader_binary().display());
    let Some(tmux) = Tmux::start(&checkout, &command) else {
        return;
    };
    tmux.wait_for("Graded 1 time(s)", Duration::from_secs(600));
    std::fs::write(
        kata_file(&checkout, "07-timeout"),
        std::fs::read(repo().join("solutions/07-timeout/src/lib.rs")).unwrap(),
    )
    .unwrap();
    tmux.wait_for("07-timeout passes!", Duration::from_secs(120));
    tmux.run(&["send-keys", "-t", "watch", "q"]);
    tmux.wait_for("EXITED 0", Duration::from_secs(10));
}
