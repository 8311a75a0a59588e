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
//! | the name in a process-wide static (set around each poll) | `each_task_sees_its_own_name_on_a_multi_thread_runtime` |
//! | the returned handle is not `f`'s task (a supervisor task spawning `f`) | `aborting_the_handle_stops_the_task` |
//! | a hidden fallback runtime when there is none | `outside_a_runtime_it_panics_like_tokio_spawn` |

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use kata_05_send_and_static::{current_task_name, spawn_named};
use kata_support::{
    DropFlag, Stopwatch, assert_no_leaked_tasks, catch_panic, fmt_duration, for_each_seed, ms,
    no_hang, on_multi_thread,
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

/// How long (real time) the tasks of one run wait for each other to be
/// polled at the same moment before going on anyway. They meet within
/// microseconds; a run where they do not simply checks less.
const MEETING_LIMIT: std::time::Duration = std::time::Duration::from_millis(100);

#[test]
fn each_task_sees_its_own_name_on_a_multi_thread_runtime() {
    on_multi_thread(
        12,
        4,
        "named tasks polled at the same time on 4 worker threads",
        |_run| async move {
            // Four tasks meet in the middle of a poll, so each is being
            // polled on its own worker thread at the same moment as the
            // others: a name kept anywhere shared is overwritten there.
            let arrived = Arc::new(AtomicUsize::new(0));
            let meeting: Vec<_> = NAMES[..4]
                .iter()
                .map(|name| {
                    let name: &'static str = name;
                    let arrived = arrived.clone();
                    spawn(name, async move {
                        let mut seen = vec![current_task_name()];
                        arrived.fetch_add(1, Ordering::SeqCst);
                        let start = std::time::Instant::now();
                        while arrived.load(Ordering::SeqCst) < 4 && start.elapsed() < MEETING_LIMIT
                        {
                            std::hint::spin_loop();
                        }
                        seen.push(current_task_name());
                        tokio::task::yield_now().await;
                        seen.push(current_task_name());
                        (name, seen)
                    })
                })
                .collect();
            // And many tasks spawned from four threads at once, each
            // asking for its name the moment it first runs.
            let spawners: Vec<_> = NAMES[..4]
                .iter()
                .map(|name| {
                    let name: &'static str = name;
                    tokio::spawn(async move {
                        let tasks: Vec<_> = (0..50)
                            .map(|_| spawn(name, async move { (name, vec![current_task_name()]) }))
                            .collect();
                        let mut results = Vec::new();
                        for task in tasks {
                            results.push(task.await.expect("a named task panicked"));
                        }
                        results
                    })
                })
                .collect();
            let mut all = Vec::new();
            for task in meeting {
                all.push(task.await.expect("a named task panicked"));
            }
            for spawner in spawners {
                all.extend(spawner.await.expect("a task spawning named tasks panicked"));
            }
            for (name, seen) in all {
                assert!(
                    seen.iter().all(|got| *got == Some(name)),
                    "inside the task spawn_named({name:?}, ..) started, current_task_name() \
                     returned {seen:?}, expected Some({name:?}) every time, from the task's \
                     very first poll. On a multi-thread runtime several tasks are polled at \
                     the same moment on different threads: a name kept in one process-wide \
                     place (a static, a global map filled in after tokio::spawn returns) is \
                     overwritten by another task, or not there yet when the task starts. \
                     Spawn `TASK_NAME.scope(name, f)`: a task-local belongs to its task."
                );
            }
        },
    );
}

#[tokio::test(start_paused = true)]
async fn aborting_the_handle_stops_the_task() {
    for_each_seed(6, |mut rng| async move {
        let (flag, probe) = DropFlag::new();
        let nap = ms(rng.odd_ms(500, 5000));
        let abort_at = ms(rng.odd_ms(1, 400));
        let handle = spawn("worker", async move {
            let _probe = probe;
            sleep(nap).await;
        });
        sleep(abort_at).await;
        handle.abort();
        let outcome = no_hang("the aborted task's handle", handle).await;
        assert!(
            matches!(&outcome, Err(error) if error.is_cancelled()),
            "spawn_named(..) returned a handle; after {} its task (sleeping {}) was aborted \
             with handle.abort(), and awaiting the handle gave {outcome:?}, expected \
             Err(JoinError::Cancelled). The handle spawn_named returns must be the task that \
             runs f, as tokio::spawn returns it.",
            fmt_duration(abort_at),
            fmt_duration(nap)
        );
        flag.assert_dropped(
            "the future given to spawn_named, once its handle was aborted (abort() must stop \
             f itself: a handle to another task, such as a supervisor that spawned f as a \
             second task, leaves f running on its own)",
        );
        assert_no_leaked_tasks("the task was aborted").await;
    })
    .await;
}

#[test]
fn outside_a_runtime_it_panics_like_tokio_spawn() {
    let outcome = catch_panic(|| drop(spawn_named("orphan", async { 7 })));
    if let Err(message) = &outcome {
        assert!(
            !message.starts_with("not yet implemented"),
            "spawn_named is not written yet: {message}"
        );
    }
    assert!(
        outcome.is_err(),
        "spawn_named(..) called outside any tokio runtime returned a handle, where \
         tokio::spawn panics (\"must be called from the context of a Tokio 1.x runtime\"). \
         A task belongs to the runtime of its caller and dies with it: spawning onto a \
         hidden runtime of your own (a global started on demand) makes tasks that no \
         caller can shut down. spawn_named hands its future to tokio::spawn, and nothing \
         else."
    );
}
