//! Wrong: spawns the shutdown future into a task that closes the channel when it fires, which forces `Send + 'static` on it; right for the usual signals, but a shutdown future that borrows a local or holds an `Rc` is refused.
//! Caught by: any_shutdown_future

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
    jobs: mpsc::Receiver<Job>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    workers: usize,
) -> Report {
    let free_workers = Arc::new(Semaphore::new(workers));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u32>();
    let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
    let stop = Arc::new(tokio::sync::Notify::new());
    let watcher = {
        let stop = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            stop.notify_one();
        })
    };
    {
        let mut jobs = jobs.lock().await;
        tokio::select! {
            biased;
            _ = stop.notified() => {}
            _ = dispatch(&mut jobs, &free_workers, &done_tx) => {}
        }
        jobs.close();
        dispatch(&mut jobs, &free_workers, &done_tx).await;
    }
    watcher.abort();
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
