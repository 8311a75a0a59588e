//! Right: a hand-written pool: a FuturesUnordered that is topped up with the next job each time one completes, and a select-free loop; results written into a Vec<Option<T>> by index.

use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::StreamExt;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let total = jobs.len();
    let mut waiting = jobs.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    let mut results: Vec<Option<T>> = Vec::with_capacity(total);
    results.resize_with(total, || None);

    // Fill every slot.
    for (i, job) in waiting.by_ref().take(limit) {
        running.push(tagged(i, job));
    }
    // Each time one finishes, the next one takes its slot at once.
    while let Some((i, out)) = running.next().await {
        results[i] = Some(out);
        if let Some((j, job)) = waiting.next() {
            running.push(tagged(j, job));
        }
    }
    results.into_iter().map(Option::unwrap).collect()
}

async fn tagged<T>(i: usize, job: BoxFuture<'static, T>) -> (usize, T) {
    (i, job.await)
}
