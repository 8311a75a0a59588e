//! `GRADER_PROFILE=1`: how long each step of a run took, on stderr.
//!
//! The grader's whole job is to add as little as possible to the compiler's
//! time; this is how to see where the rest goes (issue 6: profile before
//! optimising). Off unless asked for, and then one line per step.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("GRADER_PROFILE").is_some_and(|v| v != "0"))
}

/// Times a step: `let _step = profile::step("build");` reports when dropped.
pub fn step(name: &'static str) -> Step {
    Step {
        name,
        started: Instant::now(),
    }
}

pub struct Step {
    name: &'static str,
    started: Instant,
}

impl Drop for Step {
    fn drop(&mut self) {
        if enabled() {
            eprintln!(
                "[profile] {:<10} {:>7.1} ms",
                self.name,
                self.started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

/// Reports a fact about the run that explains its time (how many test
/// processes it took, say), in the same place as the steps.
pub fn note(text: impl FnOnce() -> String) {
    if enabled() {
        eprintln!("[profile] {}", text());
    }
}
