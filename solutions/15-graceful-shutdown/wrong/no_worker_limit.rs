//! Wrong: spawns a task for every job the moment it arrives and never uses the semaphore, so more than `workers` jobs run at once and run returns too early.
//! Caught by: senders_dropped_early_end_the_run

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
    let _ = &free_workers;
    tokio::select! {
        biased;
        _ = shutdown => {}
        _ = dispatch(&mut jobs, &done_tx) => {}
    }
    jobs.close();
    dispatch(&mut jobs, &done_tx).await;
    drop(done_tx);
    let mut completed = Vec::new();
    while let Some(id) = done_rx.recv().await {
        completed.push(id);
    }
    completed.sort_unstable();
    Report { completed }
}

async fn dispatch(jobs: &mut mpsc::Receiver<Job>, done: &mpsc::UnboundedSender<u32>) {
    while let Some(job) = jobs.recv().await {
        let done = done.clone();
        tokio::spawn(async move {
            job.process().await;
            let _ = done.send(job.id);
        });
    }
}
