//! Wrong: (written blind, before the tests) times each poll as the README's sketch does, reading the clock after `poll` returns: a poll that blocks and then panics never returns, so the task that blocked the thread in it is missing from the culprits (though the runtime's histogram counts the poll).
//! Caught by: a_poll_that_panics_still_counts

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

#[derive(Default)]
struct Stats {
    slow_polls: u64,
    longest: Duration,
    blocked: Duration,
}

struct Timed {
    future: BoxFuture<'static, ()>,
    stats: Arc<Mutex<Stats>>,
    threshold: Duration,
}

impl Future for Timed {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let started = Instant::now();
        let poll = this.future.as_mut().poll(cx);
        let took = started.elapsed();
        if took >= this.threshold {
            let mut s = this.stats.lock().unwrap_or_else(|e| e.into_inner());
            s.slow_polls += 1;
            s.blocked += took;
            s.longest = s.longest.max(took);
        }
        poll
    }
}

pub fn diagnose(builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    let mut builder = builder;
    let runtime = builder
        .enable_metrics_poll_time_histogram()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(threshold, 2))
        .build()
        .expect("build the runtime");
    let entries: Vec<(&'static str, Arc<Mutex<Stats>>)> =
        tasks.iter().map(|t| (t.name, Arc::default())).collect();
    let results = runtime.block_on(async {
        let handles: Vec<_> = tasks
            .into_iter()
            .zip(&entries)
            .map(|(task, (_, stats))| {
                tokio::spawn(Timed {
                    future: task.future,
                    stats: stats.clone(),
                    threshold,
                })
            })
            .collect();
        let mut results = Vec::new();
        for handle in handles {
            results.push(handle.await);
        }
        results
    });
    let metrics = runtime.metrics();
    let workers = 0..metrics.num_workers();
    let polls = workers.clone().map(|w| metrics.worker_poll_count(w)).sum();
    let busy = workers
        .clone()
        .map(|w| metrics.worker_total_busy_duration(w))
        .sum();
    let mut slow_polls = 0;
    for bucket in 0..metrics.poll_time_histogram_num_buckets() {
        if metrics.poll_time_histogram_bucket_range(bucket).start >= threshold {
            slow_polls += workers
                .clone()
                .map(|w| metrics.poll_time_histogram_bucket_count(w, bucket))
                .sum::<u64>();
        }
    }
    let panicked = entries
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_err())
        .map(|((name, _), _)| *name)
        .collect();
    let mut culprits: Vec<Culprit> = entries
        .iter()
        .filter_map(|(name, stats)| {
            let s = stats.lock().unwrap_or_else(|e| e.into_inner());
            (s.slow_polls > 0).then(|| Culprit {
                name,
                slow_polls: s.slow_polls,
                longest: s.longest,
                blocked: s.blocked,
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
