//! Right: no wrapper future: the runtime's own poll hooks (`on_before_task_poll` / `on_after_task_poll`, tokio_unstable) time every poll of every task, keyed by the task's `Id`, which `JoinHandle::id()` maps back to a name.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::runtime::{Builder, HistogramConfiguration};
use tokio::task::Id;

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

/// Per task id: the slow polls' durations.
type SlowPolls = Arc<Mutex<HashMap<Id, Vec<Duration>>>>;

pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    // On a current-thread runtime one poll runs at a time: one start is enough.
    let started: Arc<Mutex<Option<Instant>>> = Arc::default();
    let slow: SlowPolls = Arc::default();
    let (before, after) = (started.clone(), started.clone());
    let record = slow.clone();
    let runtime = builder
        .enable_metrics_poll_time_histogram()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(threshold, 2))
        .on_before_task_poll(move |_| *before.lock().unwrap() = Some(Instant::now()))
        .on_after_task_poll(move |meta| {
            let Some(at) = after.lock().unwrap().take() else {
                return;
            };
            let took = at.elapsed();
            if took >= threshold {
                record
                    .lock()
                    .unwrap()
                    .entry(meta.id())
                    .or_default()
                    .push(took);
            }
        })
        .build()
        .expect("diagnose: could not build the runtime");

    let (ids, panicked) = runtime.block_on(async {
        let mut ids = Vec::new();
        let mut handles = Vec::new();
        for task in tasks {
            let handle = tokio::spawn(task.future);
            ids.push((handle.id(), task.name));
            handles.push((task.name, handle));
        }
        let mut panicked = Vec::new();
        for (name, handle) in handles {
            match handle.await {
                Err(error) if error.is_panic() => panicked.push(name),
                _ => {}
            }
        }
        (ids, panicked)
    });

    let metrics = runtime.metrics();
    let workers = metrics.num_workers();
    let polls = (0..workers).map(|w| metrics.worker_poll_count(w)).sum();
    let busy = (0..workers)
        .map(|w| metrics.worker_total_busy_duration(w))
        .sum();
    let slow_polls = (0..workers)
        .map(|w| metrics.poll_time_histogram_bucket_count(w, 1))
        .sum();

    let slow = slow.lock().unwrap();
    let mut culprits: Vec<Culprit> = ids
        .iter()
        .filter_map(|(id, name)| {
            let polls = slow.get(id)?;
            Some(Culprit {
                name,
                slow_polls: polls.len() as u64,
                longest: polls.iter().copied().max().unwrap_or_default(),
                blocked: polls.iter().sum(),
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
