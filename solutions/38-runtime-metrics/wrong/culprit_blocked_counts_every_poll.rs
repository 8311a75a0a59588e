//! Wrong: (written blind, before the tests) adds every poll of a task to its `blocked`, not only its slow ones: a culprit that also makes short polls is reported as having blocked the runtime during them too.
//! Caught by: many_short_polls_are_not_a_stall

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

impl Future for Timed {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `std::time::Instant`, not tokio's: a blocking poll takes real
        // time, and tokio's clock (paused in tests) does not move while the
        // thread is stuck inside a poll.
        let started = Instant::now();
        let poll = self.future.as_mut().poll(cx);
        let took = started.elapsed();
        let mut slow = self.slow.lock().unwrap();
        slow.blocked += took;
        if took >= self.threshold {
            slow.count += 1;
            slow.longest = slow.longest.max(took);
        }
        poll
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
