//! Wrong: the dispatch loop checks the channel with `try_recv()` and sleeps 10ms whenever it is empty, and checks the signal only between those naps, so an idle run wakes the runtime a hundred times a second (and notices jobs and the signal late).
//! Caught by: an_idle_run_sleeps_until_shutdown

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
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        if tokio::select! {
            biased;
            _ = &mut shutdown => true,
            _ = std::future::ready(()) => false,
        } {
            break;
        }
        match jobs.try_recv() {
            Ok(job) => {
                let worker = free_workers
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let done = done_tx.clone();
                tokio::spawn(async move {
                    job.process().await;
                    let _ = done.send(job.id);
                    drop(worker);
                });
            }
            Err(mpsc::error::TryRecvError::Disconnected) => break,
            Err(mpsc::error::TryRecvError::Empty) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    jobs.close();
    dispatch(&mut jobs, &free_workers, &done_tx).await;
    drop(done_tx);
    let mut completed = Vec::new();
    while let Some(id) = done_rx.recv().await {
        completed.push(id);
    }
    completed.sort_unstable();
    Report { completed }
}

async fn dispatch(
    jobs: &mut mpsc::Receiver<Job>,
    free_workers: &Arc<Semaphore>,
    done: &mpsc::UnboundedSender<u32>,
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
        tokio::spawn(async move {
            job.process().await;
            let _ = done.send(job.id);
            drop(worker);
        });
    }
}
