//! Wrong: `limit` workers take jobs off a shared list with `pop()`, so the jobs start from the end of the list instead of in order (the outputs are put back at their index, so they are right).
//! Caught by: each_job_starts_as_soon_as_a_slot_is_free

use std::cell::RefCell;

use futures::future::BoxFuture;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let n = jobs.len();
    let queue = RefCell::new(jobs.into_iter().enumerate().collect::<Vec<_>>());
    let outputs: RefCell<Vec<Option<T>>> = RefCell::new((0..n).map(|_| None).collect());
    let worker = || async {
        loop {
            let next = queue.borrow_mut().pop();
            let Some((index, job)) = next else { break };
            let output = job.await;
            outputs.borrow_mut()[index] = Some(output);
        }
    };
    futures::future::join_all((0..limit.min(n)).map(|_| worker())).await;
    outputs
        .into_inner()
        .into_iter()
        .map(|output| output.expect("every job ran"))
        .collect()
}
