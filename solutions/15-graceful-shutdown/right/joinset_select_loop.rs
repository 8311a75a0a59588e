//! Right: no semaphore and no completion channel: one `select!` loop in `run` over the signal, a JoinSet of running jobs (at most `workers`) and the channel, with preconditions turning branches off; the ids come back from `join_next()`.

use std::time::Duration;

use tokio::sync::mpsc;
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

pub async fn run(
    mut jobs: mpsc::Receiver<Job>,
    shutdown: impl std::future::Future<Output = ()>,
    workers: usize,
) -> Report {
    let mut running: JoinSet<u32> = JoinSet::new();
    let mut completed = Vec::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut signalled = false;
    let mut channel_open = true;

    loop {
        tokio::select! {
            biased;
            _ = &mut shutdown, if !signalled && channel_open => {
                signalled = true;
                jobs.close();
            }
            Some(finished) = running.join_next(), if !running.is_empty() => {
                completed.push(finished.expect("a job panicked"));
            }
            next = jobs.recv(), if channel_open && running.len() < workers => match next {
                Some(job) => {
                    running.spawn(async move {
                        job.process().await;
                        job.id
                    });
                }
                None => channel_open = false,
            },
            else => break,
        }
    }

    completed.sort_unstable();
    Report { completed }
}
