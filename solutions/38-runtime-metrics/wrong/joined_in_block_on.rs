//! Wrong: (written blind, before the tests) runs the tasks with join_all inside block_on instead of spawning them: the per-task timings are right, but the runtime never polled a task, so its poll count and histogram are empty.
//! Caught by: counts_polls_and_slow_polls_as_the_runtime_saw_them

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::{join_all, BoxFuture};
use futures::FutureExt;
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
struct Times(Vec<Duration>);

struct Timer<F> {
    fut: F,
    times: Arc<Mutex<Times>>,
}

impl<F: Future + Unpin> Future for Timer<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let start = Instant::now();
        let out = Pin::new(&mut self.fut).poll(cx);
        self.times.lock().unwrap().0.push(start.elapsed());
        out
    }
}

pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    let rt = builder
        .enable_metrics_poll_time_histogram()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(threshold, 2))
        .build()
        .unwrap();
    let mut timed = Vec::new();
    let mut futures = Vec::new();
    for task in tasks {
        let times = Arc::new(Mutex::new(Times::default()));
        timed.push((task.name, times.clone()));
        futures.push(Timer {
            fut: std::panic::AssertUnwindSafe(task.future).catch_unwind(),
            times,
        });
    }
    let results = rt.block_on(join_all(futures));
    let panicked = timed
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_err())
        .map(|((name, _), _)| *name)
        .collect();
    let m = rt.metrics();
    let polls = m.worker_poll_count(0);
    let slow_polls = m.poll_time_histogram_bucket_count(0, 1);
    let busy = m.worker_total_busy_duration(0);
    let mut culprits = Vec::new();
    for (name, times) in &timed {
        let times = times.lock().unwrap();
        let slow: Vec<Duration> = times
            .0
            .iter()
            .copied()
            .filter(|t| *t >= threshold)
            .collect();
        if !slow.is_empty() {
            culprits.push(Culprit {
                name,
                slow_polls: slow.len() as u64,
                longest: slow.iter().copied().max().unwrap(),
                blocked: slow.iter().sum(),
            });
        }
    }
    culprits.sort_by(|a, b| b.blocked.cmp(&a.blocked));
    Report {
        polls,
        slow_polls,
        busy,
        culprits,
        panicked,
    }
}
