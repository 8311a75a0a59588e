//! Test support shared by every kata's grading tests.
//!
//! Grading async code has a handful of recurring questions: *how much virtual
//! time did this take?*, *was that future dropped?*, *is a task still running
//! in the background?*, *is this hung?*, *was the runtime's thread blocked?*.
//! Each module here answers one of them, and each failure message is written
//! for the learner who will read it: what was expected, what happened, and
//! what that usually means.
//!
//! Every helper assumes the test runs on tokio's current-thread runtime with
//! the clock paused (`#[tokio::test(start_paused = true)]`), so that "time"
//! is virtual: a minute of timeouts is graded in microseconds, and elapsed
//! times are exact. The exception is [`on_multi_thread`], which exists to
//! leave that single schedule.
//!
//! Tests are designed against the mistakes learners make, not against the
//! reference solution, and three helpers exist for that: [`Rng`] and
//! [`for_each_seed`] give irregular inputs (odd durations, shuffled ids)
//! that can be replayed by seed; [`Jitter`] and [`on_multi_thread`] try
//! more than one schedule; [`Wakeups`], [`count_polls`] and
//! [`cancel_after`] check what code does while it waits, and after its
//! caller gave up on it; [`no_spin`] turns code that never waits (and so
//! would hang the paused clock in real time) into a failure that says so,
//! and [`no_blocking`] catches code that blocks its thread for a moment
//! (a `std::thread::sleep` the paused clock does not see).
//!
//! A failure also shows *what happened*: every helper that watches virtual
//! time draws on the test's [`Timeline`] (timeline.rs), which the grader
//! shows next to the one expected; a hang names the line of the learner's
//! code each future and task was waiting on (waiting.rs, tokio's task
//! dumps); and a thread that blocks is sampled to name the line it was
//! stuck on (stuck.rs).

mod blocking;
mod cancel;
mod clock;
mod concurrency;
mod drivers;
mod drop_flag;
mod event_log;
mod hang;
mod heartbeat;
mod idle;
mod ledger;
mod panics;
mod schedule;
mod scripted;
mod seeded;
mod spin;
mod stuck;
mod tasks;
mod timeline;
mod waiting;

pub use blocking::{BLOCKING_ALLOWANCE, NoBlocking, no_blocking, voluntary_switches};
pub use cancel::{assert_nothing_left_running, cancel_after};
pub use clock::{Stopwatch, fmt_duration};
pub use concurrency::{ConcurrencyProbe, InFlight};
#[cfg(unix)]
pub use drivers::pipe_round_trip;
pub use drop_flag::{DropFlag, DropProbe, track_drop};
pub use event_log::EventLog;
pub use hang::{HANG_LIMIT, exit_if_still_running_after, no_hang, within, within_else};
pub use heartbeat::Heartbeat;
pub use idle::{Counted, ONE_TIMER, Polls, Wakeups, count_polls};
pub use ledger::VIRTUAL_TIME_DIR_ENV;
pub use panics::{catch_panic, panic_message, quiet_panics};
pub use schedule::{Jitter, Jittered, MULTI_THREAD_LIMIT, on_multi_thread};
pub use scripted::{Recorder, SESSION_LIMIT, scripted};
pub use seeded::{
    Rng, SEED_ENV, for_each_seed, for_each_seed_sync, replay_command, seed_for, seeds,
};
pub use spin::{NoSpin, SPIN_LIMIT, no_spin, no_spin_within};
pub use stuck::{Place, SAMPLE_AFTER, SOURCE_ENV, STUCK_MARKER, WALL_LIMIT_ENV};
pub use tasks::assert_no_leaked_tasks;
pub use timeline::{Bar, Span, TIMELINE_ENV, TIMELINE_MARKER, Timeline};

/// Shorthand for `Duration::from_millis`, which grading tests use constantly.
pub fn ms(millis: u64) -> std::time::Duration {
    std::time::Duration::from_millis(millis)
}
