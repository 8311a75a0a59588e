//! Wrong: on shutdown it aborts the worker tasks, so the jobs that were running (and the buffered ones) are lost.
//! Caught by: jobs_in_flight_at_shutdown_are_finished
//!
//! "Stop" is not "finish what you accepted". Aborting a task drops its
//! future at its current `.await`: the job never completes, its id is never
//! reported, and the producer was told (by a successful `send`) that it
//! would run.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

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
    let free_workers = Arc::new(Semaphore::new(workers));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u32>();
    let mut tasks = JoinSet::new();

    let signalled = tokio::select! {
        biased;
        _ = shutdown => true,
        _ = dispatch(&mut jobs, &free_workers, &done_tx, &mut tasks) => false,
    };
    if signalled {
        // WRONG: shutting down the JoinSet aborts every running job.
        jobs.close();
        tasks.shutdown().await;
    } else {
        while tasks.join_next().await.is_some() {}
    }

    drop(done_tx);
    let mut completed = Vec::new();
    while let Some(id) = done_rx.recv().await {
        completed.push(id);
    }
    completed.sort_unstable();
    Report { completed }
}

/// Hands jobs to workers (tasks in `tasks`) until `jobs.recv()` returns `None`.
async fn dispatch(
    jobs: &mut mpsc::Receiver<Job>,
    free_workers: &Arc<Semaphore>,
    done: &mpsc::UnboundedSender<u32>,
    tasks: &mut JoinSet<()>,
) {
    loop {
        let worker = free_workers
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let Some(job) = jobs.recv().await else {
            return;
        };
        let done = done.clone();
        tasks.spawn(async move {
            job.process().await;
            let _ = done.send(job.id);
            drop(worker);
        });
    }
}
