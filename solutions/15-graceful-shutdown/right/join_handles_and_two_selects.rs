//! Right: permits and jobs taken in two `select!`s against the pinned signal, inline in `run` (no helper); each task returns its id through its JoinHandle, and the handles are awaited at the end instead of a completion channel.

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
    let permits = Arc::new(Semaphore::new(workers));
    let mut handles = Vec::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let permit = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => permit.unwrap(),
        };
        let job = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            job = jobs.recv() => job,
        };
        let Some(job) = job else { break };
        handles.push(tokio::spawn(async move {
            job.process().await;
            drop(permit);
            job.id
        }));
    }

    // Nothing new from here on, but everything already accepted runs.
    jobs.close();
    loop {
        let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
        let Some(job) = jobs.recv().await else { break };
        handles.push(tokio::spawn(async move {
            job.process().await;
            drop(permit);
            job.id
        }));
    }

    let mut completed = Vec::with_capacity(handles.len());
    for handle in handles {
        completed.push(handle.await.unwrap());
    }
    completed.sort_unstable();
    Report { completed }
}
