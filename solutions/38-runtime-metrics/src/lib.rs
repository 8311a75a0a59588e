//! Kata 38: find the task that blocks the runtime (reference solution).
//!
//! Two sources, two questions. The runtime's metrics count what its workers
//! did: polls, how long each poll took (a histogram, once switched on),
//! busy time. They say *that* the runtime was blocked, and how often, but a
//! worker does not know which task it was polling. A wrapper around each
//! task's future times each of its polls, which is all a "blocking" task
//! is: one whose poll does not return for a long time. That is the idea
//! behind tokio-console (which gets the same per-poll timings through
//! tracing) and tokio-metrics' `TaskMonitor`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::runtime::{Builder, HistogramConfiguration};

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
    /// How many times the runtime polled a task.
    pub polls: u64,
    /// How many of those polls took `threshold` or longer.
    pub slow_polls: u64,
    /// How long the runtime's workers were busy running tasks.
    pub busy: Duration,
    /// Every task that made a slow poll, the one that blocked longest first.
    pub culprits: Vec<Culprit>,
    /// The tasks that panicked, in the order they were given.
    pub panicked: Vec<&'static str>,
}

/// A task that blocked the runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct Culprit {
    pub name: &'static str,
    pub slow_polls: u64,
    pub longest: Duration,
    pub blocked: Duration,
}

/// The slow polls of one task, as its wrapper saw them.
#[derive(Debug, Default)]
struct SlowPolls {
    count: u64,
    longest: Duration,
    blocked: Duration,
}

/// A task's future, with each of its polls timed.
struct Timed {
    future: BoxFuture<'static, ()>,
    threshold: Duration,
    slow: Arc<Mutex<SlowPolls>>,
}

/// Times one poll: it reads the clock when dropped, at the end of the poll
/// or while a panic unwinds out of it (a poll that panics held the thread
/// all the same).
struct PollTimer<'a> {
    started: Instant,
    threshold: Duration,
    slow: &'a Mutex<SlowPolls>,
}

impl Drop for PollTimer<'_> {
    fn drop(&mut self) {
        let took = self.started.elapsed();
        if took >= self.threshold {
            let mut slow = self.slow.lock().unwrap_or_else(|e| e.into_inner());
            slow.count += 1;
            slow.longest = slow.longest.max(took);
            slow.blocked += took;
        }
    }
}

impl Future for Timed {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        // `std::time::Instant`, not tokio's: a blocking poll takes real
        // time, and tokio's clock (paused in tests) does not move while the
        // thread is stuck inside a poll.
        let _timer = PollTimer {
            started: Instant::now(),
            threshold: this.threshold,
            slow: &this.slow,
        };
        this.future.as_mut().poll(cx)
    }
}

/// Runs every task to completion on the runtime `builder` describes, and
/// reports which of them blocked it.
pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    // The caller's builder says which runtime (flavor, drivers, a paused
    // clock); we only add the histogram. Two linear buckets: [0, threshold)
    // and [threshold, ∞), so the second one counts exactly the slow polls.
    let runtime = builder
        .enable_metrics_poll_time_histogram()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(threshold, 2))
        .build()
        .expect("diagnose: could not build the runtime");

    let names: Vec<&'static str> = tasks.iter().map(|task| task.name).collect();
    let slow: Vec<Arc<Mutex<SlowPolls>>> = tasks.iter().map(|_| Arc::default()).collect();

    let panicked = runtime.block_on(async {
        // Spawned, not joined inside block_on: the runtime's metrics count
        // the polls of *tasks*, and block_on's own future is not one.
        let handles: Vec<_> = tasks
            .into_iter()
            .zip(&slow)
            .map(|(task, slow)| {
                tokio::spawn(Timed {
                    future: task.future,
                    threshold,
                    slow: slow.clone(),
                })
            })
            .collect();
        let mut panicked = Vec::new();
        for (handle, name) in handles.into_iter().zip(&names) {
            // A task that panicked is part of the diagnosis, not the end of it.
            if let Err(error) = handle.await {
                if error.is_panic() {
                    panicked.push(*name);
                }
            }
        }
        panicked
    });

    // Read once every task is done: the current-thread scheduler publishes
    // its counts before it polls block_on's future again, so they are all in.
    let metrics = runtime.metrics();
    let workers = 0..metrics.num_workers();
    let buckets = 0..metrics.poll_time_histogram_num_buckets();
    let slow_buckets: Vec<usize> = buckets
        .filter(|&bucket| metrics.poll_time_histogram_bucket_range(bucket).start >= threshold)
        .collect();
    let polls = workers
        .clone()
        .map(|worker| metrics.worker_poll_count(worker))
        .sum();
    let slow_polls = workers
        .clone()
        .flat_map(|worker| slow_buckets.iter().map(move |&bucket| (worker, bucket)))
        .map(|(worker, bucket)| metrics.poll_time_histogram_bucket_count(worker, bucket))
        .sum();
    let busy = workers
        .map(|worker| metrics.worker_total_busy_duration(worker))
        .sum();

    let mut culprits: Vec<Culprit> = names
        .iter()
        .zip(&slow)
        .filter_map(|(&name, slow)| {
            let slow = slow.lock().unwrap();
            (slow.count > 0).then(|| Culprit {
                name,
                slow_polls: slow.count,
                longest: slow.longest,
                blocked: slow.blocked,
            })
        })
        .collect();
    culprits.sort_by_key(|culprit| std::cmp::Reverse(culprit.blocked));

    Report {
        polls,
        slow_polls,
        busy,
        culprits,
        panicked,
    }
}
