//! Wrong: it reports every job it handed to a worker and returns at once, before the workers have finished (and leaves their tasks running).
//! Caught by: jobs_in_flight_at_shutdown_are_finished
//!
//! Handing a job to a task is not finishing it. The report lists the right
//! ids, but `run` returns at the moment of shutdown, while the jobs are
//! still running in tasks nobody waits for.

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

/// Runs jobs from `jobs` on at most `workers` tasks at once until `shutdown`
/// fires or every job `Sender` is gone, finishes every accepted job, and
/// reports what was done.
pub async fn run(
    mut jobs: mpsc::Receiver<Job>,
    shutdown: impl std::future::Future<Output = ()>,
    workers: usize,
) -> Report {
    let free_workers = Arc::new(Semaphore::new(workers));
    let mut handed_out = Vec::new();

    tokio::select! {
        biased;
        _ = shutdown => {}
        _ = dispatch(&mut jobs, &free_workers, &mut handed_out) => {}
    }
    jobs.close();
    dispatch(&mut jobs, &free_workers, &mut handed_out).await;

    // WRONG: nothing waits for the workers; "handed out" is reported as "done".
    handed_out.sort_unstable();
    Report {
        completed: handed_out,
    }
}

/// Hands jobs to workers until `jobs.recv()` returns `None`, recording each id.
async fn dispatch(
    jobs: &mut mpsc::Receiver<Job>,
    free_workers: &Arc<Semaphore>,
    handed_out: &mut Vec<u32>,
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
        handed_out.push(job.id);
        tokio::spawn(async move {
            job.process().await;
            drop(worker);
        });
    }
}
