//! Grading tests for kata 05: what `spawn_named` does at run time.
//!
//! The bounds themselves are checked by the compiler: the other test files
//! (`spawns_a_send_but_not_sync_future.rs`, `spawns_a_future_that_is_not_unpin.rs`)
//! must compile against your `spawn_named`, and `compile_checks.rs` shows
//! code that must not.

use std::sync::Arc;

use kata_05_send_and_static::{current_task_name, spawn_named};
use kata_support::{assert_no_leaked_tasks, ms, no_hang, Stopwatch};
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn a_future_owning_an_arc_runs_in_the_background() {
    let readings = Arc::new(vec![3u64, 4, 5]);
    let shared = readings.clone();
    let watch = Stopwatch::start();
    // The future owns its `Arc` (`async move`): Send and 'static.
    let handle = spawn_named("summer", async move {
        sleep(ms(100)).await;
        shared.iter().sum::<u64>()
    });
    watch.assert_elapsed(
        ms(0),
        "spawn_named(..) itself",
        "spawn_named hands the future to the runtime and returns its JoinHandle at once; \
         it must not await the future itself.",
    );
    assert!(
        !handle.is_finished(),
        "the task spawned by spawn_named finished before anyone awaited anything: \
         spawn_named must spawn the future (tokio::spawn), not run it to completion first."
    );

    let sum = no_hang("the task spawned by spawn_named", handle)
        .await
        .expect("the task spawned by spawn_named panicked");
    assert_eq!(
        sum, 12,
        "the task spawned by spawn_named returned {sum}, expected 12 (3 + 4 + 5)."
    );
    watch.assert_elapsed(
        ms(100),
        "the task spawned by spawn_named",
        "The task sleeps 100ms and then returns.",
    );
    assert_eq!(
        Arc::strong_count(&readings),
        1,
        "the finished task still holds its Arc."
    );
    assert_no_leaked_tasks("the spawned task finished").await;
}

#[tokio::test(start_paused = true)]
async fn tasks_spawned_together_run_at_the_same_time() {
    let watch = Stopwatch::start();
    let slow = spawn_named("slow", async {
        sleep(ms(500)).await;
        "slow"
    });
    let fast = spawn_named("fast", async {
        sleep(ms(300)).await;
        "fast"
    });
    let (slow, fast) = no_hang("two tasks from spawn_named", async {
        (slow.await, fast.await)
    })
    .await;
    assert_eq!(
        (slow.expect("task panicked"), fast.expect("task panicked")),
        ("slow", "fast")
    );
    watch.assert_elapsed(
        ms(500),
        "a 500ms task and a 300ms task from spawn_named",
        "Spawned tasks run at the same time, so the longer one decides. 800ms means \
         spawn_named ran each future to completion instead of spawning it.",
    );
    assert_no_leaked_tasks("both tasks finished").await;
}

#[tokio::test(start_paused = true)]
async fn the_task_knows_its_name() {
    assert_eq!(
        current_task_name(),
        None,
        "the test itself does not run in a task from spawn_named, so \
         current_task_name() must be None here."
    );
    let handle = spawn_named("reporter", async {
        let at_start = current_task_name();
        sleep(ms(10)).await;
        (at_start, current_task_name())
    });
    let (at_start, after_await) = no_hang("the task named \"reporter\"", handle)
        .await
        .expect("the task named \"reporter\" panicked");
    assert_eq!(
        (at_start, after_await),
        (Some("reporter"), Some("reporter")),
        "inside the task spawn_named(\"reporter\", ..) started, current_task_name() \
         returned {at_start:?} (and {after_await:?} after an .await), expected \
         Some(\"reporter\") both times. Spawn `TASK_NAME.scope(name, f)`, not `f` itself: \
         the scope sets the name every time the task is polled."
    );
    assert_no_leaked_tasks("the task finished").await;
}
