//! Catching processes that leave their process group.
//!
//! Every test runs in a process group of its own, and the whole group is
//! killed when the test ends, so a child the code spawns dies with it. But a
//! child can leave the group: `Command::process_group(0)` or `setsid` is one
//! line of Rust. Such a child outlives the group kill, keeps running (maybe
//! holding the test's output pipe open), and would be adopted by init.
//!
//! On Linux the grader declares itself a "child subreaper": a process
//! orphaned anywhere below it is re-parented to the grader rather than to
//! init. Once every test has finished, any child the grader still has and did
//! not start itself is such an escapee, and is killed with its group.
//! Processes the grader already had before the tests started (a compiler
//! cache daemon that cargo started, say) are left alone.
//!
//! Sweeping only when no test runs keeps this free of races: a process the
//! grader has just spawned is never mistaken for an escapee.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Children the grader had when the tests started, which are not ours to kill.
static BEFORE_TESTS: Mutex<Option<HashSet<i32>>> = Mutex::new(None);

/// Makes orphaned descendants the grader's children (Linux only; elsewhere
/// an escapee is simply not caught).
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// Called before the first test starts: remembers which children exist.
pub fn tests_starting() {
    *BEFORE_TESTS.lock().unwrap() = Some(children().into_iter().collect());
}

/// Called once no test is running (or on an interrupt, after killing every
/// group): kills every adopted child (and its group) that was not there
/// before the tests, and reaps it. Returns how many there were. `settle`
/// is how long to keep looking for processes that are still being orphaned
/// (their parent was just killed and has not died yet).
pub fn kill_escapees(settle: Duration) -> usize {
    let Some(before) = BEFORE_TESTS.lock().unwrap().clone() else {
        return 0; // no test started: nothing can have escaped
    };
    let until = Instant::now() + settle;
    let mut killed = 0;
    // Killing an escapee can orphan its own children, which are then
    // adopted in turn: a few rounds catch a chain of them.
    for _ in 0..50 {
        let escapees: Vec<i32> = children()
            .into_iter()
            .filter(|pid| !before.contains(pid))
            .collect();
        if escapees.is_empty() {
            if Instant::now() >= until {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        for pid in escapees {
            kill_and_reap(pid);
            killed += 1;
        }
    }
    killed
}

fn kill_and_reap(pid: i32) {
    // SAFETY: plain syscalls on a pid that is our child, so it cannot be
    // reused by another process until we reap it below.
    unsafe {
        if libc::getpgid(pid) == pid {
            libc::killpg(pid, libc::SIGKILL);
        }
        libc::kill(pid, libc::SIGKILL);
    }
    // SIGKILL takes effect at once but not instantly; do not hang on a
    // process stuck in the kernel either.
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        let mut status = 0;
        // SAFETY: waits for this one pid only, never for tokio's children.
        let reaped = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if reaped != 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The pids whose parent is this process.
fn children() -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| parent_of(*pid) == Some(me))
        .collect()
}

/// The parent pid from `/proc/PID/stat` (`pid (comm) state ppid …`; comm
/// may hold spaces and parentheses, so read from the last `)`).
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parent_even_with_an_awkward_name() {
        assert_eq!(
            parent_of(std::process::id() as i32),
            Some(std::os::unix::process::parent_id() as i32)
        );
        assert_eq!(parent_of(-1), None);
    }
}
