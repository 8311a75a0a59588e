//! Wrong: takes jobs with `try_recv()` and stops as soon as the channel is momentarily empty, taking that for the end of the work: jobs sent later are accepted but never run, and the signal is never awaited.
//! Caught by: every_accepted_job_is_reported_exactly_once

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore};

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

pub async fn run(
    mut jobs: mpsc::Receiver<Job>,
    shutdown: impl std::future::Future<Output = ()>,
    workers: usize,
) -> Report {
    let free_workers = Arc::new(Semaphore::new(workers));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u32>();
    let _ = shutdown;
    while let Ok(job) = jobs.try_recv() {
        let worker = free_workers.clone().acquire_owned().await.unwrap();
        let done = done_tx.clone();
        tokio::spawn(async move {
            job.process().await;
            let _ = done.send(job.id);
            drop(worker);
        });
    }
    jobs.close();
    drop(done_tx);
    let mut completed = Vec::new();
    while let Some(id) = done_rx.recv().await {
        completed.push(id);
    }
    completed.sort_unstable();
    Report { completed }
}
