//! Wrong: after close() it drains the buffer with try_recv and stops at the first error, so a job sent later on a slot reserved before the signal (Sender::reserve) is never done.
//! Caught by: a_job_sent_on_a_slot_reserved_before_shutdown_is_done

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub id: u32,
    pub work: Duration,
}

impl Job {
    pub fn new(id: u32, work: Duration) -> Job {
        Job { id, work }
    }

    pub async fn process(&self) {
        tokio::time::sleep(self.work).await;
    }
}

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

    tokio::select! {
        biased;
        () = shutdown => {}
        () = dispatch(&mut jobs, &free_workers, &done_tx) => {}
    }
    jobs.close();
    // The channel is closed: whatever is left is already in the buffer, so
    // take it without waiting.
    loop {
        let worker = free_workers
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let Ok(job) = jobs.try_recv() else {
            break;
        };
        let done = done_tx.clone();
        tokio::spawn(async move {
            job.process().await;
            let _ = done.send(job.id);
            drop(worker);
        });
    }

    drop(done_tx);
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
