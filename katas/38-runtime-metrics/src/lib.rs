//! Kata 38: find the task that blocks the runtime.
//!
//! `diagnose` runs a workload (named tasks) on a runtime and reports what a
//! tool like tokio-console would show you: how many polls the runtime made,
//! how many of them were slow (the thread was blocked for `threshold` or
//! more), how long the runtime was busy, and *which tasks* made the slow
//! polls.
//!
//! The runtime's own metrics (`Handle::metrics()`, available because this
//! workspace builds with `--cfg tokio_unstable`) answer the first three;
//! the last needs a little instrumentation of your own around each task.
//!
//! Fill in the `todo!()` below. Read README.md first: it explains the
//! metrics, why they cannot name a task, and exactly what the tests check.

use std::time::Duration;

use futures::future::BoxFuture;
use tokio::runtime::Builder;

/// One task of the workload.
pub struct Task {
    /// Its name, for the report.
    pub name: &'static str,
    /// What it does. `diagnose` spawns it as a task of its own.
    pub future: BoxFuture<'static, ()>,
}

/// What `diagnose` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// How many times the runtime polled a task (`worker_poll_count`,
    /// summed over the workers). `diagnose` spawns exactly one task per
    /// [`Task`] and nothing else.
    pub polls: u64,
    /// How many of those polls took `threshold` or longer, from the
    /// runtime's poll-time histogram.
    pub slow_polls: u64,
    /// How long the runtime's workers were busy running tasks
    /// (`worker_total_busy_duration`, summed over the workers).
    pub busy: Duration,
    /// Every task that made at least one poll of `threshold` or longer:
    /// the one that blocked the runtime longest (`blocked`) first.
    pub culprits: Vec<Culprit>,
    /// The tasks that panicked, in the order they were given.
    pub panicked: Vec<&'static str>,
}

/// A task that blocked the runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct Culprit {
    /// The task's name.
    pub name: &'static str,
    /// How many of its polls took `threshold` or longer.
    pub slow_polls: u64,
    /// Its longest poll.
    pub longest: Duration,
    /// How long its slow polls took in all: how long it kept the runtime's
    /// thread from running anything else.
    pub blocked: Duration,
}

/// Runs every task of `tasks` to completion on the runtime `builder`
/// describes (with the poll-time histogram switched on), each as a task of
/// its own, and reports which of them blocked it: polls of `threshold` or
/// longer.
///
/// The tests give a current-thread builder, often with its clock paused.
/// Keep what the builder says; add what the metrics need.
pub fn diagnose(builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    // 1. Switch the poll-time histogram on (its buckets are yours to choose:
    //    make one of them start at `threshold`) and build the runtime.
    // 2. Spawn each task, wrapped so that you time each of its polls
    //    yourself; await every handle (a panic is a result, not the end).
    // 3. Read the runtime's metrics, and put the report together.
    let _ = (builder, threshold, tasks);
    todo!("build the runtime with the histogram, run the tasks timing their polls, report")
}
