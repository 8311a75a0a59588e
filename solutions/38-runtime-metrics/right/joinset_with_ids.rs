//! Right: a JoinSet, whose results come back in completion order and are put back with their task by id (`join_next_with_id`, `JoinError::id`); each wrapper keeps every poll's duration; a finer histogram (buckets of half the threshold), whose buckets from the threshold on are the slow ones.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::runtime::{Builder, HistogramConfiguration};
use tokio::task::JoinSet;

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

/// Runs a task's future, keeping how long each of its polls took (kept
/// outside the task, so a task that panics keeps its timings, the poll that
/// panicked included).
struct PollTimes {
    future: BoxFuture<'static, ()>,
    times: Arc<Mutex<Vec<Duration>>>,
}

impl Future for PollTimes {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Pushed when dropped: after the poll, or while it unwinds (a poll
        // that panics took its time too).
        struct Clock<'a>(Instant, &'a Mutex<Vec<Duration>>);
        impl Drop for Clock<'_> {
            fn drop(&mut self) {
                let took = self.0.elapsed();
                self.1.lock().unwrap_or_else(|e| e.into_inner()).push(took);
            }
        }
        let this = &mut *self;
        let _clock = Clock(Instant::now(), &this.times);
        this.future.as_mut().poll(cx)
    }
}

pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    builder.enable_metrics_poll_time_histogram();
    builder.metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(
        threshold / 2,
        8,
    ));
    let runtime = builder
        .build()
        .expect("diagnose: could not build the runtime");

    let names: Vec<&'static str> = tasks.iter().map(|t| t.name).collect();
    let times: Vec<Arc<Mutex<Vec<Duration>>>> = tasks.iter().map(|_| Arc::default()).collect();
    let failed: Vec<bool> = runtime.block_on(async {
        let mut set = JoinSet::new();
        let mut index = HashMap::new();
        for (i, task) in tasks.into_iter().enumerate() {
            let handle = set.spawn(PollTimes {
                future: task.future,
                times: times[i].clone(),
            });
            index.insert(handle.id(), i);
        }
        let mut failed = vec![false; index.len()];
        while let Some(joined) = set.join_next_with_id().await {
            if let Err(error) = joined {
                failed[index[&error.id()]] = error.is_panic();
            }
        }
        failed
    });

    let metrics = runtime.metrics();
    let mut report = Report {
        polls: 0,
        slow_polls: 0,
        busy: Duration::ZERO,
        culprits: Vec::new(),
        panicked: Vec::new(),
    };
    for w in 0..metrics.num_workers() {
        report.polls += metrics.worker_poll_count(w);
        report.busy += metrics.worker_total_busy_duration(w);
        report.slow_polls += (0..metrics.poll_time_histogram_num_buckets())
            .filter(|&b| metrics.poll_time_histogram_bucket_range(b).start >= threshold)
            .map(|b| metrics.poll_time_histogram_bucket_count(w, b))
            .sum::<u64>();
    }
    for ((name, times), failed) in names.into_iter().zip(times).zip(failed) {
        if failed {
            report.panicked.push(name);
        }
        let times = times.lock().unwrap();
        let slow: Vec<Duration> = times.iter().copied().filter(|t| *t >= threshold).collect();
        if let Some(&longest) = slow.iter().max() {
            report.culprits.push(Culprit {
                name,
                slow_polls: slow.len() as u64,
                longest,
                blocked: slow.iter().sum(),
            });
        }
    }
    report
        .culprits
        .sort_by_key(|culprit| std::cmp::Reverse(culprit.blocked));
    report
}
