//! # Kata 15: wire up a channel shutdown
//!
//! `run` hands jobs from a channel to at most `workers` tasks at a time and
//! reports which jobs it finished. It is broken in two ways:
//!
//! 1. It never looks at `shutdown`. When the signal fires it should stop
//!    taking new work: close the jobs channel (so new sends are refused),
//!    still finish every job that was already accepted (running or waiting in
//!    the channel's buffer), and then return.
//! 2. It waits for its workers on a completion channel whose `recv()` can
//!    never return `None`, because `run` itself still holds a `Sender`. So
//!    even when every job is done, `run` never returns.
//!
//! Fix `run` so it shuts down gracefully. `Job`, `Report` and `Job::process`
//! are part of the API the tests use: keep their shape. README.md explains
//! the pattern (it is the one mini-redis uses) and says exactly what
//! "accepted" means.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};

/// One unit of work: it takes `work` of (virtual) time to process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub id: u32,
    pub work: Duration,
}

impl Job {
    pub fn new(id: u32, work: Duration) -> Job {
        Job { id, work }
    }

    /// Does the job's work. Do not change this: the tests time it.
    pub async fn process(&self) {
        tokio::time::sleep(self.work).await;
    }
}

/// What `run` did: the ids of the jobs it finished, in ascending order,
/// each exactly once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub completed: Vec<u32>,
}

/// Runs jobs from `jobs` on at most `workers` tasks at once until `shutdown`
/// fires or every job `Sender` is gone, finishes every accepted job, and
/// reports what was done.
pub async fn run(
    mut jobs: mpsc::Receiver<Job>,
    shutdown: impl std::future::Future<Output = ()>,
    workers: usize,
) -> Report {
    // BUG: the shutdown signal is thrown away unawaited, so `run` only stops
    // taking work when every `Sender<Job>` has been dropped.
    drop(shutdown);

    // One permit per worker: a job only starts when a worker is free.
    let free_workers = Arc::new(Semaphore::new(workers));
    // Every worker reports its finished job here.
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u32>();

    dispatch(&mut jobs, &free_workers, &done_tx).await;

    // Wait for the workers: `recv()` returns `None` once every `Sender` is
    // gone. BUG: `done_tx` above is still alive, so that never happens.
    let mut completed = Vec::new();
    while let Some(id) = done_rx.recv().await {
        completed.push(id);
    }
    completed.sort_unstable();
    Report { completed }
}

/// Hands jobs to workers, one task per job and at most as many at once as
/// `free_workers` has permits, until `jobs.recv()` returns `None`.
async fn dispatch(
    jobs: &mut mpsc::Receiver<Job>,
    free_workers: &Arc<Semaphore>,
    done: &mpsc::UnboundedSender<u32>,
) {
    loop {
        // Wait for a free worker first, so that a job stays in the channel
        // (where the producer can see the channel is full) until it can start.
        let worker = free_workers
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let Some(job) = jobs.recv().await else {
            return;
        };
        let done = done.clone();
        tokio::spawn(async move {
            job.process().await;
            let _ = done.send(job.id);
            // The worker is free again once its permit is dropped.
            drop(worker);
        });
    }
}
