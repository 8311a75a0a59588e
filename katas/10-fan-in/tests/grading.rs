//! Grading tests for kata 10: fan in over a channel.
//!
//! Every test runs on a paused clock, so a fetch of 300ms takes exactly
//! 300ms of virtual time, and a `gather` that never returns (a channel that
//! never closes) fails after 60s of virtual time, in microseconds.

use std::sync::Arc;

use kata_10_fan_in::{gather, Fetcher};
use kata_support::{assert_no_leaked_tasks, ms, no_hang, Stopwatch};
use tokio::time::sleep;

/// A fetcher where id `n` takes `plan(n).0` ms and returns `plan(n).1`.
fn fetcher(plan: fn(u32) -> (u64, Option<u32>)) -> Fetcher {
    Arc::new(move |id| {
        Box::pin(async move {
            let (takes, value) = plan(id);
            sleep(ms(takes)).await;
            value
        })
    })
}

#[tokio::test(start_paused = true)]
async fn gather_returns_once_every_fetch_is_done() {
    // Id n takes (6 - n) × 100ms: id 5 arrives first, id 1 last, at 500ms.
    let fetch = fetcher(|id| ((6 - id as u64) * 100, Some(id * 10)));

    let watch = Stopwatch::start();
    let values = no_hang("gather(ids 1 to 5)", gather(vec![1, 2, 3, 4, 5], fetch)).await;

    assert_eq!(
        values,
        [50, 40, 30, 20, 10],
        "gather(ids 1 to 5) returned {values:?}. Id n takes (6 - n) × 100ms and is \
         worth n × 10, so the values arrive in the order [50, 40, 30, 20, 10], and \
         gather returns them in the order they arrived."
    );
    watch.assert_elapsed(
        ms(500),
        "gather(ids 1 to 5), whose slowest fetch takes 500ms,",
        "The fetches run at the same time (a task each), so the slowest one decides, \
         and gather returns as soon as the last task is done: the moment its Sender \
         is dropped and the channel closes.",
    );
    assert_no_leaked_tasks("gather returned").await;
}

#[tokio::test(start_paused = true)]
async fn ids_that_are_not_found_are_left_out() {
    // Even ids are not found; id n answers after n × 100ms.
    let fetch = fetcher(|id| (id as u64 * 100, (id % 2 == 1).then_some(id * 10)));

    let watch = Stopwatch::start();
    let values = no_hang(
        "gather(ids 1 to 6, where the even ids are not found)",
        gather(vec![1, 2, 3, 4, 5, 6], fetch),
    )
    .await;

    assert_eq!(
        values,
        [10, 30, 50],
        "gather(ids 1 to 6, even ids not found) returned {values:?}: only the ids that \
         were found send a value."
    );
    watch.assert_elapsed(
        ms(600),
        "gather(ids 1 to 6, even ids not found)",
        "The last fetch (id 6, not found) ends at 600ms. Returning earlier means gather \
         stopped before every task was done; never returning (the hang guard) means it \
         waited for a value that never comes: reading a fixed number of values \
         (ids.len()) cannot work when some ids send nothing. Read until recv() returns \
         None, which happens when every Sender has been dropped.",
    );
    assert_no_leaked_tasks("gather returned").await;
}

#[tokio::test(start_paused = true)]
async fn an_empty_list_gathers_nothing_at_once() {
    let fetch = fetcher(|id| panic!("the test asked for no ids, but id {id} was fetched"));

    let watch = Stopwatch::start();
    let values = no_hang("gather(no ids)", gather(Vec::new(), fetch)).await;

    assert!(
        values.is_empty(),
        "gather(no ids) returned {values:?}, expected nothing."
    );
    watch.assert_elapsed(
        ms(0),
        "gather(no ids)",
        "With nothing to fetch there are no tasks, so once gather's own Sender is \
         dropped the channel is closed at once.",
    );
    assert_no_leaked_tasks("gather returned").await;
}

#[tokio::test(start_paused = true)]
async fn many_fetches_overlap() {
    // Fifty ids of 1s each, more than the channel's buffer holds.
    let fetch = fetcher(|id| (1000, Some(id)));
    let ids: Vec<u32> = (1..=50).collect();

    let watch = Stopwatch::start();
    let mut values = no_hang("gather(50 ids of 1s each)", gather(ids.clone(), fetch)).await;

    watch.assert_elapsed(
        ms(1000),
        "gather(50 ids that take 1s each)",
        "All fifty fetches run at the same time, so they take 1s together. Much more \
         means they ran one after another: spawn every task before waiting for any.",
    );
    values.sort_unstable();
    assert_eq!(
        values, ids,
        "gather(50 ids) did not return every value exactly once (shown sorted)."
    );
    assert_no_leaked_tasks("gather returned").await;
}
