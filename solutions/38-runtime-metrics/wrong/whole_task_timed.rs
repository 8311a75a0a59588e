//! Wrong: times each task from its first poll to its end instead of each poll: a task counts as one "slow poll" of its whole life, so a task that waits long is a culprit, and a blocker's slow polls and longest poll are wrong.
//! Caught by: names_the_task_that_blocks, waiting_is_not_blocking

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::runtime::{Builder, HistogramConfiguration};

pub struct Task {
    pub name: &'static str,
    pub future: BoxFuture<'static, ()>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub polls: u64,
    pub slow_polls: u64,
    pub busy: Duration,
    pub culprits: Vec<Culprit>,
    pub panicked: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Culprit {
    pub name: &'static str,
    pub slow_polls: u64,
    pub longest: Duration,
    pub blocked: Duration,
}

#[derive(Debug, Default)]
struct SlowPolls {
    count: u64,
    longest: Duration,
    blocked: Duration,
}

struct Timed {
    started: Option<Instant>,
    future: BoxFuture<'static, ()>,
    threshold: Duration,
    slow: Arc<Mutex<SlowPolls>>,
}

impl Future for Timed {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let started = *self.started.get_or_insert_with(Instant::now);
        let poll = self.future.as_mut().poll(cx);
        if poll.is_pending() {
            return poll;
        }
        let took = started.elapsed();
        if took >= self.threshold {
            let mut slow = self.slow.lock().unwrap();
            slow.count += 1;
            slow.longest = slow.longest.max(took);
            slow.blocked += took;
        }
        poll
    }
}

pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    let runtime = builder
        .enable_metrics_poll_time_histogram()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(threshold, 2))
        .build()
        .expect("diagnose: could not build the runtime");

    let names: Vec<&'static str> = tasks.iter().map(|task| task.name).collect();
    let slow: Vec<Arc<Mutex<SlowPolls>>> = tasks.iter().map(|_| Arc::default()).collect();

    let panicked = runtime.block_on(async {
        let handles: Vec<_> = tasks
            .into_iter()
            .zip(&slow)
            .map(|(task, slow)| {
                tokio::spawn(Timed {
                    started: None,
                    future: task.future,
                    threshold,
                    slow: slow.clone(),
                })
            })
            .collect();
        let mut panicked = Vec::new();
        for (handle, name) in handles.into_iter().zip(&names) {
            if let Err(error) = handle.await {
                if error.is_panic() {
                    panicked.push(*name);
                }
            }
        }
        panicked
    });

    let metrics = runtime.metrics();
    let mut polls = 0;
    let mut slow_polls = 0;
    let mut busy = Duration::ZERO;
    for worker in 0..metrics.num_workers() {
        polls += metrics.worker_poll_count(worker);
        busy += metrics.worker_total_busy_duration(worker);
        for bucket in 0..metrics.poll_time_histogram_num_buckets() {
            if metrics.poll_time_histogram_bucket_range(bucket).start >= threshold {
                slow_polls += metrics.poll_time_histogram_bucket_count(worker, bucket);
            }
        }
    }

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
    culprits.sort_by(|a, b| b.blocked.cmp(&a.blocked));

    Report {
        polls,
        slow_polls,
        busy,
        culprits,
        panicked,
    }
}
