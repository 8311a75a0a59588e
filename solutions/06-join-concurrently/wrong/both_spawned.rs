//! Wrong: `both` hands `a` and `b` to tokio::spawn (which forces `Send + 'static` onto its arguments) and awaits the two JoinHandles: the outputs and the timing are right, but a future that borrows a local or holds an Rc can no longer be given to both, and dropping both mid-way leaves the two tasks running.
//! Caught by: any_future, dropping_both_drops_both_futures

use std::future::Future;

use futures::future::BoxFuture;

pub async fn both(
    a: impl Future<Output = u32> + Send + 'static,
    b: impl Future<Output = u32> + Send + 'static,
) -> (u32, u32) {
    // The mistake: tasks where joining in this task was enough. Both run at
    // once, but they belong to the runtime now, not to this future.
    let first = tokio::spawn(a);
    let second = tokio::spawn(b);
    let first = first.await.expect("the task running `a` panicked");
    let second = second.await.expect("the task running `b` panicked");
    (first, second)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    futures::future::join_all(ids.into_iter().map(fetch)).await
}
