//! Mutant: notices the shutdown only when the job it is running ends: until then its queue still takes new jobs, which are accepted and run, though shutdown has begun

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// A job: any future, run to completion by the worker.
pub type Job = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A job was refused: the worker is shutting down (or has stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the worker is shutting down: it takes no new jobs")
    }
}

impl std::error::Error for Closed {}

/// Hands jobs to the worker. Clone it to submit from many places.
#[derive(Debug, Clone)]
pub struct Submitter {
    jobs: mpsc::Sender<Job>,
}

impl Submitter {
    /// Queues `job` for the worker, waiting while the queue is full.
    ///
    /// `Ok(())` means the job was **accepted**: it will run. `Err(Closed)`
    /// means it was refused and will never run: the worker is shutting down
    /// ([`Worker::shutdown`] was called or the `Worker` was dropped), or has
    /// stopped. A submit that is waiting for room when the shutdown begins
    /// is refused too.
    pub async fn submit(
        &self,
        job: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Closed> {
        self.jobs.send(Box::pin(job)).await.map_err(|_| Closed)
    }
}

/// The worker: one task that runs the accepted jobs one at a time.
#[derive(Debug)]
pub struct Worker {
    stop: watch::Sender<()>,
    task: JoinHandle<()>,
}

/// Starts a worker (one task, spawned on the current runtime) with room for
/// `queue` jobs waiting in its queue (the job it is running is not in the
/// queue).
///
/// - The worker runs the accepted jobs **one at a time, in the order they
///   were accepted**, each to completion: a job starts as soon as it has
///   been accepted and the job before it has ended.
/// - If every [`Submitter`] is dropped, the worker runs the jobs still
///   queued, then its task ends.
/// - Dropping the [`Worker`] without calling [`Worker::shutdown`] stops the
///   worker in the same way as `shutdown` (no new jobs as soon as its task
///   runs; the running and queued jobs are finished), but nobody waits:
///   once its last job has ended, the worker's task ends by itself.
///
/// # Panics
///
/// If `queue` is 0, or when called outside a tokio runtime.
pub fn start(queue: usize) -> (Submitter, Worker) {
    let (jobs, queued) = mpsc::channel(queue);
    let (stop, stopped) = watch::channel(());
    let task = tokio::spawn(work(queued, stopped));
    (Submitter { jobs }, Worker { stop, task })
}

impl Worker {
    /// Shuts the worker down cleanly, and waits until it is gone.
    ///
    /// - At once, the worker takes no new jobs: as soon as its task runs
    ///   (in the same instant of virtual time), every `submit` fails with
    ///   `Closed`, including one already waiting for room.
    /// - The job that is running is finished (never cut short), then every
    ///   job still in the queue is run, one at a time, in order.
    /// - `shutdown` returns when the last of those jobs has ended and the
    ///   worker's task is gone: at once if there was nothing to do, and
    ///   however long the jobs take (there is no time limit).
    /// - Nothing is left running when it returns.
    ///
    /// If a job panicked, the worker's task ended with that panic, and
    /// `shutdown` panics with it.
    pub async fn shutdown(self) {
        let Worker { stop, task } = self;
        // The worker stops when the `stop` Sender is gone: shutting down
        // and dropping the Worker are the same signal.
        drop(stop);
        if let Err(error) = task.await
            && error.is_panic()
        {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}

/// The worker's task: runs jobs until the stop signal (or until every
/// Submitter is gone), then closes the queue and runs what is left in it.
async fn work(mut jobs: mpsc::Receiver<Job>, mut stop: watch::Receiver<()>) {
    loop {
        let job = tokio::select! {
            biased;
            _ = stop.changed() => break,
            job = jobs.recv() => match job {
                Some(job) => job,
                None => return,
            },
        };
        // Run the job; the stop signal is looked at before the next one.
        job.await;
    }
    jobs.close();
    while let Some(job) = jobs.recv().await {
        job.await;
    }
}
