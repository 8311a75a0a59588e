//! Right: a fixed pool of `workers` long-lived worker tasks sharing the receiving end of an internal hand-off channel; the intake reserves a slot in the hand-off before it takes a job, racing both steps against the signal.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Mutex};

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
    let (handoff, queue) = mpsc::channel::<Job>(1);
    let queue = Arc::new(Mutex::new(queue));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u32>();
    for _ in 0..workers {
        let queue = Arc::clone(&queue);
        let done = done_tx.clone();
        tokio::spawn(async move {
            loop {
                let next = queue.lock().await.recv().await;
                let Some(job) = next else { break };
                job.process().await;
                let _ = done.send(job.id);
            }
        });
    }
    drop(done_tx);

    let mut shutdown = std::pin::pin!(shutdown);
    'intake: loop {
        let slot = tokio::select! {
            biased;
            _ = &mut shutdown => break 'intake,
            slot = handoff.reserve() => slot.expect("the workers hold the queue"),
        };
        let next = tokio::select! {
            biased;
            _ = &mut shutdown => break 'intake,
            next = jobs.recv() => next,
        };
        match next {
            Some(job) => slot.send(job),
            None => break 'intake,
        }
    }

    jobs.close();
    while let Some(job) = jobs.recv().await {
        handoff.send(job).await.expect("the workers hold the queue");
    }
    drop(handoff);

    let mut completed = Vec::new();
    while let Some(id) = done_rx.recv().await {
        completed.push(id);
    }
    completed.sort();
    Report { completed }
}
