//! Grading tests for kata 05: what `spawn_named` does at run time.
//!
//! The bounds themselves are checked by the compiler: the other test files
//! (`spawns_a_send_but_not_sync_future.rs`, `spawns_a_future_that_is_not_unpin.rs`,
//! `spawns_a_future_with_a_bare_output.rs`) must compile against your
//! `spawn_named`, and `compile_checks.rs` shows code that must not.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | `Sync` asked of the future | `spawns_a_send_but_not_sync_future` (does not compile) |
//! | `Unpin` asked of the future | `spawns_a_future_that_is_not_unpin` (does not compile) |
//! | more asked of the output (`Debug` to print it, `Sync`, `Clone`, `Unpin`) | `spawns_a_future_with_a_bare_output` (does not compile) |
//! | no `'static` on the future, or no bounds on the output | the crate does not compile (`tokio::spawn` needs them); `a_future_that_borrows_a_local_does_not_compile` |
//! | `spawn_local` to avoid `Send`: panics outside a `LocalSet` | `a_future_owning_an_arc_runs_in_the_background`, `tasks_spawned_together_run_at_the_same_time` |
//! | `f` spawned without `TASK_NAME.scope` | `the_task_knows_its_name` |
//! | the name set only while spawning (`sync_scope` around the spawn) | `the_task_knows_its_name` |

use std::sync::Arc;

use kata_05_send_and_static::{current_task_name, spawn_named};
use kata_support::{
    assert_no_leaked_tasks, catch_panic, fmt_duration, for_each_seed, ms, no_hang, Stopwatch,
};
use tokio::task::JoinHandle;
use tokio::time::sleep;

/// `spawn_named(..)`, with a panic turned into a learner's message.
fn spawn<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    catch_panic(|| spawn_named(name, f)).unwrap_or_else(|message| {
        panic!(
            "spawn_named({name:?}, ..) panicked: {message}\n{}",
            if message.contains("LocalSet") {
                "tokio::task::spawn_local only works inside a LocalSet: it is for futures \
                 that are not Send, and a plain runtime (like #[tokio::main]'s) has no \
                 LocalSet. spawn_named is for ordinary tasks: ask for `Send` and call \
                 tokio::spawn."
            } else {
                "spawn_named must hand the future to tokio::spawn and return its JoinHandle."
            }
        )
    })
}

#[tokio::test(start_paused = true)]
async fn a_future_owning_an_arc_runs_in_the_background() {
    for_each_seed(8, |mut rng| async move {
        let readings: Arc<Vec<u64>> =
            Arc::new((0..rng.range(1, 6)).map(|_| rng.range(0, 99)).collect());
        let nap = ms(rng.odd_ms(10, 900));
        let shared = readings.clone();
        let watch = Stopwatch::start();
        // The future owns its `Arc` (`async move`): Send and 'static.
        let handle = spawn("summer", async move {
            sleep(nap).await;
            shared.iter().sum::<u64>()
        });
        watch.assert_elapsed(
            ms(0),
            "spawn_named(..) itself",
            "spawn_named hands the future to the runtime and returns its JoinHandle at \
             once; it must not await the future itself.",
        );
        assert!(
            !handle.is_finished(),
            "the task spawned by spawn_named finished before anyone awaited anything: \
             spawn_named must spawn the future (tokio::spawn), not run it to completion \
             first."
        );

        let sum = no_hang("the task spawned by spawn_named", handle)
            .await
            .expect("the task spawned by spawn_named panicked");
        let expected: u64 = readings.iter().sum();
        assert_eq!(
            sum, expected,
            "the task spawned by spawn_named returned {sum}, expected {expected} (the sum of \
             {readings:?})."
        );
        watch.assert_elapsed(
            nap,
            "the task spawned by spawn_named",
            &format!("The task sleeps {} and then returns.", fmt_duration(nap)),
        );
        assert_eq!(
            Arc::strong_count(&readings),
            1,
            "the finished task still holds its Arc."
        );
        assert_no_leaked_tasks("the spawned task finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn tasks_spawned_together_run_at_the_same_time() {
    for_each_seed(8, |mut rng| async move {
        let n = rng.range(2, 6) as usize;
        let naps = rng.distinct_odd_ms(n, 10, 1500);
        let watch = Stopwatch::start();
        let handles: Vec<_> = naps
            .iter()
            .map(|nap| {
                let nap = *nap;
                spawn("sleeper", async move {
                    sleep(ms(nap)).await;
                    nap
                })
            })
            .collect();
        let outputs = no_hang("tasks from spawn_named", async {
            let mut outputs = Vec::new();
            for handle in handles {
                outputs.push(handle.await.expect("a task from spawn_named panicked"));
            }
            outputs
        })
        .await;
        assert_eq!(outputs, naps, "each task returns how long it slept");
        let slowest = *naps.iter().max().unwrap();
        watch.assert_elapsed(
            ms(slowest),
            &format!("{n} tasks from spawn_named"),
            "Spawned tasks run at the same time, so the longest one decides. More means \
             spawn_named ran each future to completion instead of spawning it.",
        );
        assert_no_leaked_tasks("every task finished").await;
    })
    .await;
}

const NAMES: &[&str] = &[
    "reporter",
    "ingest",
    "db-writer",
    "cache",
    "mailer",
    "ticker",
];

#[tokio::test(start_paused = true)]
async fn the_task_knows_its_name() {
    assert_eq!(
        current_task_name(),
        None,
        "the test itself does not run in a task from spawn_named, so \
         current_task_name() must be None here."
    );
    for_each_seed(8, |mut rng| async move {
        // Several named tasks at once, each looking up its name before and
        // after .awaits that interleave with the others'.
        let n = rng.range(2, NAMES.len() as u64) as usize;
        let order = rng.permutation(NAMES.len());
        let handles: Vec<_> = order[..n]
            .iter()
            .map(|index| {
                let name: &'static str = NAMES[*index];
                let naps = rng.distinct_odd_ms(3, 1, 300);
                spawn(name, async move {
                    let mut seen = vec![current_task_name()];
                    for nap in naps {
                        sleep(ms(nap)).await;
                        seen.push(current_task_name());
                    }
                    (name, seen)
                })
            })
            .collect();
        for handle in handles {
            let (name, seen) = no_hang("a named task", handle)
                .await
                .expect("a named task panicked");
            assert!(
                seen.iter().all(|got| *got == Some(name)),
                "inside the task spawn_named({name:?}, ..) started, current_task_name() \
                 returned {seen:?} (at the start, then after each .await), expected \
                 Some({name:?}) every time. Spawn `TASK_NAME.scope(name, f)`, not `f` \
                 itself: the scope sets the name every time the task is polled, and only \
                 while it is polled (a name set around the call to tokio::spawn is gone \
                 before the task even starts)."
            );
        }
        assert_no_leaked_tasks("every named task finished").await;
    })
    .await;
    assert_eq!(
        current_task_name(),
        None,
        "after the named tasks finished, current_task_name() in the test (not a named \
         task) returned Some(..): the name must belong to the tasks only."
    );
}
