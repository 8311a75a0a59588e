//! Right: every job spawned into a JoinSet at once, each task waiting for its permit inside (the semaphore is fair, so they start in spawn order), outputs put back by index.

use futures::future::BoxFuture;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let sem = Arc::new(Semaphore::new(limit));
    let mut set = JoinSet::new();
    let n = jobs.len();
    for (i, job) in jobs.into_iter().enumerate() {
        let sem = sem.clone();
        set.spawn(async move {
            let _p = sem.acquire().await.unwrap();
            (i, job.await)
        });
    }
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    while let Some(r) = set.join_next().await {
        let (i, v) = r.unwrap();
        out[i] = Some(v);
    }
    out.into_iter().map(Option::unwrap).collect()
}
