//! Wrong: the dispatch loop takes every job off the channel the moment it arrives and spawns a task for it that then waits for a free worker (a semaphore permit). At most `workers` jobs run at once and none is lost, but the jobs channel never fills: every send succeeds at once however busy the workers are, producers are never held back, and run must finish an unbounded backlog before it can return.
//! Caught by: jobs_wait_in_the_channel_while_every_worker_is_busy

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
    // One permit per worker: a job only starts when a worker is free.
    let free_workers = Arc::new(Semaphore::new(workers));
    // Every worker holds a clone of `done_tx` and sends its job's id when it
    // is finished. The channel doubles as the "all workers are gone" signal:
    // `done_rx.recv()` returns `None` only once every clone is dropped.
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u32>();

    // Phase 1: take work until the signal fires or the producers are gone.
    //
    // `select!` drops the losing branch. Dropping `dispatch` here is safe:
    // it is only ever parked in `acquire_owned()` (dropping it gives the
    // permit back) or in `recv()` (cancel safe: a job is either still in the
    // channel or already handed to a worker, never lost in between). The
    // signal is checked first (`biased;`) so that a signal that has already
    // fired wins over a channel that still has jobs in it.
    tokio::select! {
        biased;
        _ = shutdown => {}
        _ = dispatch(&mut jobs, &free_workers, &done_tx) => {}
    }

    // Phase 2: refuse new work, finish the accepted work. `close()` makes
    // every later `send` fail (and wakes a `send` that is waiting for room),
    // but the jobs already in the buffer stay there: `recv()` keeps returning
    // them and only returns `None` once the buffer is empty. Leaving them
    // there would silently lose jobs whose `send` had succeeded.
    jobs.close();
    dispatch(&mut jobs, &free_workers, &done_tx).await;

    // Phase 3: wait for the workers. Our own `done_tx` must go first, or
    // `recv()` would wait forever for a message from it. Every worker drops
    // its clone when its task ends, so `None` means: all of them are done.
    // Returning before this point would report jobs as done that are still
    // running, and leave their tasks behind.
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
    // Take every job as soon as it arrives; each task waits for a free
    // worker before it starts.
    while let Some(job) = jobs.recv().await {
        let free_workers = free_workers.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let _worker = free_workers
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            job.process().await;
            let _ = done.send(job.id);
        });
    }
}
