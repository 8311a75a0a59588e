//! Right: plain `tokio::spawn` JoinHandles raced with `select_all`, and a guard that aborts every task still running when it is dropped, whether first_ok returns or its caller drops it.

use futures::future::{select_all, BoxFuture};
use tokio::task::JoinHandle;

struct AbortOnDrop<R>(Vec<JoinHandle<R>>);

impl<R> Drop for AbortOnDrop<R> {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut guard = AbortOnDrop(jobs.into_iter().map(tokio::spawn).collect());
    while !guard.0.is_empty() {
        // Race the handles by reference: they stay in the guard, so that a
        // caller dropping this future mid-race still aborts them all.
        let (finished, index, _) = select_all(guard.0.iter_mut()).await;
        drop(guard.0.swap_remove(index));
        if let Ok(Ok(value)) = finished {
            return Some(value);
        }
    }
    None
}
