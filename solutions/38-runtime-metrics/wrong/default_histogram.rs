//! Wrong: (written blind, before the tests) switches the poll-time histogram on but keeps its default buckets (100µs wide, the last one from 900µs on) and counts as slow every bucket that reaches past the threshold: the last bucket, so every poll of 900µs or more is "slow".
//! Caught by: counts_polls_and_slow_polls_as_the_runtime_saw_them

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::runtime::Builder;

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

struct Stats {
    slow: u64,
    longest: Duration,
    blocked: Duration,
}

struct Watched {
    inner: BoxFuture<'static, ()>,
    threshold: Duration,
    stats: Arc<Mutex<Stats>>,
}

impl Future for Watched {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let t = Instant::now();
        let r = self.inner.as_mut().poll(cx);
        let d = t.elapsed();
        if d >= self.threshold {
            let mut s = self.stats.lock().unwrap();
            s.slow += 1;
            s.blocked += d;
            if d > s.longest {
                s.longest = d;
            }
        }
        r
    }
}

pub fn diagnose(mut builder: Builder, threshold: Duration, tasks: Vec<Task>) -> Report {
    let rt = builder
        .enable_metrics_poll_time_histogram()
        .build()
        .unwrap();
    let mut all = Vec::new();
    let mut panicked = Vec::new();
    rt.block_on(async {
        let mut handles = Vec::new();
        for task in tasks {
            let stats = Arc::new(Mutex::new(Stats {
                slow: 0,
                longest: Duration::ZERO,
                blocked: Duration::ZERO,
            }));
            all.push((task.name, stats.clone()));
            handles.push((
                task.name,
                tokio::spawn(Watched {
                    inner: task.future,
                    threshold,
                    stats,
                }),
            ));
        }
        for (name, handle) in handles {
            if handle.await.is_err() {
                panicked.push(name);
            }
        }
    });
    let m = rt.metrics();
    let mut polls = 0;
    let mut slow_polls = 0;
    let mut busy = Duration::ZERO;
    for w in 0..m.num_workers() {
        polls += m.worker_poll_count(w);
        busy += m.worker_total_busy_duration(w);
        for b in 0..m.poll_time_histogram_num_buckets() {
            if m.poll_time_histogram_bucket_range(b).end > threshold {
                slow_polls += m.poll_time_histogram_bucket_count(w, b);
            }
        }
    }
    let mut culprits: Vec<Culprit> = all
        .into_iter()
        .filter_map(|(name, stats)| {
            let s = stats.lock().unwrap();
            if s.slow == 0 {
                None
            } else {
                Some(Culprit {
                    name,
                    slow_polls: s.slow,
                    longest: s.longest,
                    blocked: s.blocked,
                })
            }
        })
        .collect();
    culprits.sort_by_key(|c| std::cmp::Reverse(c.blocked));
    Report {
        polls,
        slow_polls,
        busy,
        culprits,
        panicked,
    }
}
