//! Wrong: (written blind, before the tests) spawns the tasks into a JoinSet and pairs each result with the names in the order the tasks were given, but join_next() returns them in the order they finish: the panicked list names the wrong tasks (the culprits, timed by an id-keyed map, are right).
//! Caught by: a_panicking_task_is_reported_not_fatal

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

type Slow = Arc<Mutex<HashMap<&'static str, Vec<Duration>>>>;

struct Probe {
    name: &'static str,
    fut: BoxFuture<'static, ()>,
    threshold: Duration,
    slow: Slow,
}

impl Future for Probe {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let begin = Instant::now();
        let res = self.fut.as_mut().poll(cx);
        let took = begin.elapsed();
        if took >= self.threshold {
            self.slow
                .lock()
                .unwrap()
                .entry(self.name)
                .or_default()
                .push(took);
        }
        res
    }
}

pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    builder.enable_metrics_poll_time_histogram();
    builder.metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(threshold, 2));
    let runtime = builder.build().expect("runtime");
    let slow: Slow = Arc::default();
    let names: Vec<&'static str> = tasks.iter().map(|t| t.name).collect();
    let outcomes = runtime.block_on(async {
        let mut set = JoinSet::new();
        for task in tasks {
            set.spawn(Probe {
                name: task.name,
                fut: task.future,
                threshold,
                slow: slow.clone(),
            });
        }
        let mut outcomes = Vec::new();
        while let Some(outcome) = set.join_next().await {
            outcomes.push(outcome.is_err());
        }
        outcomes
    });
    let panicked = names
        .iter()
        .zip(outcomes)
        .filter(|(_, failed)| *failed)
        .map(|(name, _)| *name)
        .collect();
    let metrics = runtime.metrics();
    let polls = (0..metrics.num_workers())
        .map(|w| metrics.worker_poll_count(w))
        .sum();
    let slow_polls = (0..metrics.num_workers())
        .map(|w| metrics.poll_time_histogram_bucket_count(w, 1))
        .sum();
    let busy = (0..metrics.num_workers())
        .map(|w| metrics.worker_total_busy_duration(w))
        .sum();
    let slow = slow.lock().unwrap();
    let mut culprits: Vec<Culprit> = names
        .iter()
        .filter_map(|name| {
            let polls = slow.get(name)?;
            Some(Culprit {
                name,
                slow_polls: polls.len() as u64,
                longest: *polls.iter().max().unwrap(),
                blocked: polls.iter().sum(),
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
