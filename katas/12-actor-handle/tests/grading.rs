//! Grading tests for kata 12: an actor and its handle.
//!
//! Every test runs on tokio's current-thread runtime with a paused clock:
//! an actor that never answers, or never stops, leaves the runtime idle,
//! and the hang guard turns that into a failure after 60s of virtual time,
//! in microseconds. The runtime counts live tasks, which is how these tests
//! see the actor task itself.

use kata_12_actor_handle::CounterHandle;
use kata_support::{assert_no_leaked_tasks, ms, no_hang};
use tokio::runtime::Handle;
use tokio::time::sleep;

/// Tasks alive on this runtime, after letting every ready task run.
async fn alive_tasks() -> usize {
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    Handle::current().metrics().num_alive_tasks()
}

/// Waits (in virtual time, under the hang guard) until no task is alive.
async fn wait_for_the_actor_to_stop(after: &str) {
    no_hang(&format!("the actor task stopping after {after}"), async {
        while Handle::current().metrics().num_alive_tasks() > 0 {
            sleep(ms(10)).await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn incr_returns_the_new_count_and_get_reads_it() {
    let counter = CounterHandle::new();
    let first = no_hang("counter.incr(5)", counter.incr(5)).await;
    let second = no_hang("counter.incr(2)", counter.incr(2)).await;
    let now = no_hang("counter.get()", counter.get()).await;
    let again = no_hang("counter.get() a second time", counter.get()).await;
    assert_eq!(
        (first, second, now, again),
        (5, 7, 7, 7),
        "on a new counter, incr(5), incr(2), get(), get() returned {first}, {second}, \
         {now}, {again}; expected 5, 7, 7, 7. The count starts at 0, incr replies with \
         the count after the addition, and get does not change it."
    );
    drop(counter);
    wait_for_the_actor_to_stop("its only handle was dropped").await;
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_counter() {
    let counter = CounterHandle::new();
    let clone = counter.clone();
    no_hang("clone.incr(3)", clone.incr(3)).await;
    no_hang("counter.incr(4)", counter.incr(4)).await;
    let (seen_by_original, seen_by_clone) = no_hang("get() on both handles", async {
        (counter.get().await, clone.get().await)
    })
    .await;
    assert_eq!(
        (seen_by_original, seen_by_clone),
        (7, 7),
        "after clone.incr(3) and counter.incr(4), get() returned {seen_by_original} on \
         the original and {seen_by_clone} on the clone, expected 7 on both: a clone of \
         the handle talks to the same actor (it clones the Sender, not the counter)."
    );
    drop((counter, clone));
    wait_for_the_actor_to_stop("both handles were dropped").await;
}

#[tokio::test(start_paused = true)]
async fn concurrent_increments_sum_exactly() {
    let counter = CounterHandle::new();
    // 100 tasks, each with its own clone of the handle, each adding 1 ten
    // times and keeping the counts it was told.
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..10 {
                    seen.push(counter.incr(1).await);
                }
                seen
            })
        })
        .collect();
    let mut replies = Vec::new();
    for task in tasks {
        let seen = no_hang("a task calling incr(1) ten times", task)
            .await
            .expect("a task calling counter.incr panicked");
        replies.extend(seen);
    }
    let total = no_hang("counter.get()", counter.get()).await;
    assert_eq!(
        total, 1000,
        "100 tasks each called incr(1) ten times, and get() returned {total}, expected \
         1000. Every message must be applied to the one count the actor owns."
    );
    replies.sort_unstable();
    let expected: Vec<u64> = (1..=1000).collect();
    assert!(
        replies == expected,
        "the 1000 incr(1) calls should have been told every count from 1 to 1000 exactly \
         once (the actor applies one message at a time), but they were not (sorted, \
         the first ones were {:?}).",
        &replies[..replies.len().min(12)]
    );
    drop(counter);
    wait_for_the_actor_to_stop("every handle was dropped").await;
    assert_no_leaked_tasks("every handle was dropped").await;
}

#[tokio::test(start_paused = true)]
async fn the_count_lives_in_one_actor_task() {
    assert_eq!(
        alive_tasks().await,
        0,
        "the test runtime starts with no task"
    );
    let counter = CounterHandle::new();
    let clones = [counter.clone(), counter.clone(), counter.clone()];
    no_hang("counter.incr(1)", counter.incr(1)).await;
    let alive = alive_tasks().await;
    assert_eq!(
        alive, 1,
        "after CounterHandle::new(), three clones and an incr, {alive} task(s) are \
         running, expected exactly 1: the actor. In the actor pattern the state is \
         owned by one task and the handles only send it messages. 0 means there is no \
         actor (is the count shared with an Arc<Mutex<..>> instead?); more than 1 means \
         a task was spawned per clone or per call."
    );
    drop((counter, clones));
    wait_for_the_actor_to_stop("every handle was dropped").await;
}

#[tokio::test(start_paused = true)]
async fn the_actor_stops_when_every_handle_is_dropped() {
    let counter = CounterHandle::new();
    let clone = counter.clone();
    no_hang("counter.incr(1)", counter.incr(1)).await;

    // One handle left: the actor must still be there, and still answer.
    drop(counter);
    let count = no_hang(
        "clone.get() after the other handle was dropped",
        clone.get(),
    )
    .await;
    assert_eq!(
        count, 1,
        "after dropping one of two handles, get() on the other returned {count}, \
         expected 1: the actor lives as long as any handle does."
    );
    let alive = alive_tasks().await;
    assert_eq!(
        alive, 1,
        "with one handle still alive, {alive} task(s) are running, expected 1: the actor."
    );

    // No handle left: the actor's recv() returns None, and it must end.
    drop(clone);
    wait_for_the_actor_to_stop(
        "every CounterHandle was dropped (does the actor, or anything else, still hold a \
         Sender to its mailbox?)",
    )
    .await;
    assert_no_leaked_tasks("every CounterHandle was dropped").await;
}
