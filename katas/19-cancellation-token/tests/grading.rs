//! Grading tests for kata 19: stop workers with a `CancellationToken`.
//!
//! Every test runs on a paused clock. Worker `w`'s items take
//! 50ms × (w + 1) and a flush takes 100ms, so the instant `supervise`
//! returns, and how many items each worker reports, follow exactly from the
//! instant the token is cancelled. The token is cancelled at seeded odd
//! instants (never a multiple of 5ms, so never the instant an item ends):
//! code that checks the token every 10ms, or finishes its item first, is
//! late by an amount the tests see.
//!
//! | mistake a learner makes                                              | the test that catches it |
//! |----------------------------------------------------------------------|--------------------------|
//! | workers stopped with `abort()`: no flush, no exit                     | `supervise_returns_when_the_last_worker_has_flushed` |
//! | no `flush(w)` when a worker stops                                     | `supervise_returns_when_the_last_worker_has_flushed`, `an_already_cancelled_token_still_flushes_every_worker` |
//! | `is_cancelled()` checked between items: the current item is finished first | `supervise_returns_when_the_last_worker_has_flushed` |
//! | the abandoned item counted anyway                                     | `supervise_returns_when_the_last_worker_has_flushed` |
//! | the workers flushed one after another (by supervise, after they stop) | `supervise_returns_when_the_last_worker_has_flushed`, `an_already_cancelled_token_still_flushes_every_worker` |
//! | waiting for the workers by polling (`tracker.is_empty()` every 10ms)  | `supervise_returns_when_the_last_worker_has_flushed` |
//! | `tracker.close()` forgotten: `wait()` never completes                 | `supervise_returns_when_the_last_worker_has_flushed`, `no_workers_means_nothing_to_wait_for` |
//! | exits in the order the workers finished                               | `exits_come_back_in_worker_order` |
//! | supervise awaits the token itself before waiting for the workers (hangs with no workers) | `no_workers_means_nothing_to_wait_for` |
//! | an already-cancelled token taken as "nothing to do": no worker, no flush | `an_already_cancelled_token_still_flushes_every_worker` |
//! | workers left running forever when the caller drops `supervise`       | `dropping_supervise_stops_every_worker` |
//! | workers aborted, or not flushed, when the caller drops `supervise` (a `JoinSet`, or flushes run by supervise) | `dropping_supervise_stops_every_worker` |
//! | exits gathered in a process-wide `static`: two supervisors mix them   | `two_supervisors_sharing_a_token_keep_their_own_exits` |
//! | the caller's own token cancelled by supervise (a drop guard on it instead of on a child) | `dropping_supervise_stops_every_worker` |

use std::future::Future;
use std::time::Duration;

use kata_19_cancellation_token::{Exit, FLUSH_TIME, item_time, supervise};
use kata_support::{
    EventLog, HANG_LIMIT, Rng, Stopwatch, assert_no_leaked_tasks, assert_nothing_left_running,
    cancel_after, fmt_duration, for_each_seed, ms,
};
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

/// Awaits a call of `supervise`, failing with an explanation if it never
/// returns.
async fn guarded<T, F: Future<Output = T>>(what: &str, call: F) -> T {
    match tokio::time::timeout(HANG_LIMIT, call).await {
        Ok(output) => output,
        Err(_) => panic!(
            "{what} never returned: still waiting after {} of virtual time.\n\
             `TaskTracker::wait()` completes only once the tracker is closed AND empty. \
             Call `tracker.close()` after spawning the workers, or wait() waits forever, \
             even when every worker is done (or there are none). Otherwise: does every \
             worker leave its loop when the token is cancelled (`token.cancelled()` in the \
             select!)?",
            fmt_duration(HANG_LIMIT)
        ),
    }
}

/// Runs `supervise(workers, token)` and cancels the token `cancel_at` into
/// the run. Returns the exits, when supervise returned, and the event log.
async fn run(workers: usize, cancel_at: u64) -> (Vec<Exit>, Duration, EventLog) {
    let token = CancellationToken::new();
    let log = EventLog::new();
    let watch = Stopwatch::start();
    let start = watch.started_at();

    let supervisor = {
        let (token, log) = (token.clone(), log.clone());
        async move {
            log.record(format!("supervise({workers} workers, token) called"));
            let exits = supervise(workers, token).await;
            log.record("supervise returned");
            (exits, watch.elapsed())
        }
    };
    let canceller = {
        let log = log.clone();
        async move {
            sleep_until(start + ms(cancel_at)).await;
            log.record("token.cancel()");
            token.cancel();
        }
    };
    let what = format!(
        "supervise({workers} workers, a token cancelled at {})",
        fmt_duration(ms(cancel_at))
    );
    let ((exits, returned_after), ()) =
        guarded(&what, async { tokio::join!(supervisor, canceller) }).await;
    (exits, returned_after, log)
}

/// What each worker should report when the token is cancelled at
/// `cancel_at` (never the instant an item ends).
fn expected_exits(workers: usize, cancel_at: u64) -> Vec<Exit> {
    (0..workers)
        .map(|worker| Exit {
            worker,
            items: (cancel_at / item_time(worker).as_millis() as u64) as u32,
        })
        .collect()
}

/// A seeded run: 1 to 6 workers, cancelled at an odd instant.
fn seeded(rng: &mut Rng) -> (usize, u64) {
    (rng.range(1, 6) as usize, rng.odd_ms(11, 1999))
}

#[tokio::test(start_paused = true)]
async fn supervise_returns_when_the_last_worker_has_flushed() {
    for_each_seed(48, |mut rng| async move {
        let (workers, cancel_at) = seeded(&mut rng);
        let (exits, returned_after, log) = run(workers, cancel_at).await;
        let flushed_at = ms(cancel_at) + FLUSH_TIME;
        let what = format!(
            "supervise({workers} workers, a token cancelled at {})",
            fmt_duration(ms(cancel_at))
        );
        assert_eq!(
            returned_after,
            flushed_at,
            "{what} returned after {} of virtual time, expected exactly {}: every worker \
             stops the moment the token is cancelled and flushes for 100ms, all at the same \
             time.\n\
             Returned at the cancellation: the workers did not flush, either because they \
             were aborted (an aborted task never runs its own cleanup; let them see \
             `token.cancelled()` and stop on their own) or because flush(w) was not called. \
             Later: a worker finished its current item before it noticed the cancellation \
             (checking `token.is_cancelled()` between items; race the item against \
             `token.cancelled()` in a select! so that it is abandoned at once), the flushes \
             ran one after another, or something checks on a timer (a sleep loop around \
             `tracker.is_empty()` or `is_cancelled()`) instead of awaiting `wait()` and \
             `cancelled()`.\nWhat happened:\n{log}",
            fmt_duration(returned_after),
            fmt_duration(flushed_at)
        );
        let mut sorted = exits.clone();
        sorted.sort_by_key(|exit| exit.worker);
        let expected = expected_exits(workers, cancel_at);
        assert_eq!(
            sorted, expected,
            "{what} returned {exits:?}.\n\
             Expected one Exit per worker. Worker w's items take 50ms × (w + 1), so by \
             {}ms worker w has completed {cancel_at} / (50 × (w + 1)) items; the item each \
             was in the middle of when the token was cancelled is abandoned, not counted. \
             Missing exits usually mean workers were aborted instead of asked to stop.",
            cancel_at
        );
        assert_no_leaked_tasks("supervise returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn exits_come_back_in_worker_order() {
    for_each_seed(16, |mut rng| async move {
        let workers = rng.range(2, 8) as usize;
        let cancel_at = rng.odd_ms(11, 999);
        let (exits, _, _) = run(workers, cancel_at).await;
        let order: Vec<usize> = exits.iter().map(|exit| exit.worker).collect();
        let expected: Vec<usize> = (0..workers).collect();
        assert_eq!(
            order,
            expected,
            "supervise({workers} workers, a token cancelled at {}) returned the exits of \
             workers {order:?}, expected {expected:?}: ordered by worker. The workers all \
             finish their flush at the same instant, in whatever order the runtime wakes them, \
             so collecting exits as they finish (a channel, join_next) does not give worker \
             order: keep each worker's JoinHandle and await them in worker order, or sort the \
             exits by worker.",
            fmt_duration(ms(cancel_at))
        );
        assert_no_leaked_tasks("supervise returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_shutdown_is_logged_in_virtual_time() {
    let (exits, _, log) = run(3, 317).await;
    let mut report = log.to_string();
    report.push_str("exits:\n");
    for exit in &exits {
        report.push_str(&format!("{exit:?}\n"));
    }
    insta::with_settings!({
        description => "supervise(3 workers, token), the token cancelled at 317ms. Each worker \
            abandons its current item at 317ms, flushes for 100ms and exits, so supervise \
            returns at 417ms with one Exit per worker, in worker order (items of 50, 100 and \
            150ms: 6, 3 and 2 completed).",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("shutdown_log", report);
    });
    assert_no_leaked_tasks("supervise returned").await;
}

#[tokio::test(start_paused = true)]
async fn an_already_cancelled_token_still_flushes_every_worker() {
    for workers in [1, 2, 5] {
        let token = CancellationToken::new();
        token.cancel();
        let what = format!("supervise({workers} workers, a token cancelled beforehand)");
        let watch = Stopwatch::start();
        let exits = guarded(&what, supervise(workers, token)).await;
        assert_eq!(
            exits,
            expected_exits(workers, 0),
            "{what} returned {exits:?}. Each worker sees the cancellation before it \
             completes any item, so each exits with 0 items, after its flush. \
             (`token.cancelled()` on a cancelled token completes at once.)"
        );
        watch.assert_elapsed(
            FLUSH_TIME,
            &what,
            "Every worker stops at once and flushes for 100ms, all at the same time. 0ms: \
             they did not flush. Longer: they flushed one after the other.",
        );
        assert_no_leaked_tasks("supervise returned").await;
    }
}

#[tokio::test(start_paused = true)]
async fn no_workers_means_nothing_to_wait_for() {
    // The token is never cancelled: with no workers there is nothing to stop.
    let token = CancellationToken::new();
    let watch = Stopwatch::start();
    let exits = guarded(
        "supervise(0 workers, a token never cancelled)",
        supervise(0, token),
    )
    .await;
    assert!(
        exits.is_empty(),
        "supervise(0 workers) returned {exits:?}, expected no exits."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "supervise(0 workers)",
        "With no workers, the closed tracker is empty at once.",
    );
    assert_no_leaked_tasks("supervise returned").await;
}

#[tokio::test(start_paused = true)]
async fn dropping_supervise_stops_every_worker() {
    for_each_seed(16, |mut rng| async move {
        let (workers, drop_at) = seeded(&mut rng);
        let token = CancellationToken::new();
        let what = format!(
            "supervise({workers} workers, a token never cancelled), dropped by its caller \
             after {}",
            fmt_duration(ms(drop_at))
        );
        let outcome = cancel_after(ms(drop_at), supervise(workers, token.clone())).await;
        assert!(
            outcome.is_none(),
            "{what}: it returned {outcome:?} before it was dropped, although the token was \
             never cancelled."
        );
        // The workers stop as if the token had been cancelled: each one
        // flushes (100ms), so all of them are still alive until then.
        let alive_tasks = || {
            tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks()
        };
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        let flushing = alive_tasks();
        tokio::time::sleep(FLUSH_TIME - ms(1)).await;
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        let still_flushing = alive_tasks();
        assert!(
            flushing == workers && still_flushing == workers,
            "{what}: right after the drop {flushing} worker task(s) were alive, and {} later \
             {still_flushing}; expected all {workers} during the whole 100ms of their \
             flush.\nWhen the caller drops supervise, each worker must stop as if the token \
             had been cancelled: leave its loop, call flush(w) itself and end. Fewer mean the \
             workers were aborted (a JoinSet aborts its tasks when it is dropped; a \
             TaskTracker does not), or they stopped without flushing (a flush that \
             supervise runs after the workers return never happens once supervise is \
             dropped).",
            fmt_duration(FLUSH_TIME - ms(1))
        );
        // Then nothing may be left running.
        tokio::time::sleep(ms(1)).await;
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        let alive = alive_tasks();
        assert!(
            alive == 0,
            "{what}: {alive} worker(s) still running {} after that. A tracked task is an \
             ordinary spawned task: dropping supervise (and its TaskTracker) does not stop \
             it, and its token will never be cancelled now, so it would run forever. Give the \
             workers a child of the caller's token (`token.child_token()`) and keep its \
             `drop_guard()` alive in supervise: when supervise is dropped, the guard cancels \
             the child, and the workers flush and end on their own.",
            fmt_duration(FLUSH_TIME)
        );
        assert_nothing_left_running(
            &format!(
                "{what}, and {} more for the workers to flush",
                fmt_duration(FLUSH_TIME)
            ),
            ms(60_000),
        )
        .await;
        assert!(
            !token.is_cancelled(),
            "{what}: the caller's token was cancelled by supervise. It belongs to the caller, \
             who may share it with other work: stop the workers through a child token \
             (`token.child_token()`) and its drop guard instead."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn two_supervisors_sharing_a_token_keep_their_own_exits() {
    for_each_seed(16, |mut rng| async move {
        // Two services stopped by one shutdown token, so that their workers
        // flush and end at the same instants.
        let first = rng.range(1, 6) as usize;
        let second = rng.range(1, 6) as usize;
        let cancel_at = rng.odd_ms(11, 1999);
        let token = CancellationToken::new();
        let what = format!(
            "supervise({first} workers, token) and supervise({second} workers, token) at the \
             same time, on one token cancelled at {}",
            fmt_duration(ms(cancel_at))
        );
        let watch = Stopwatch::start();
        let start = watch.started_at();
        let canceller = {
            let token = token.clone();
            async move {
                sleep_until(start + ms(cancel_at)).await;
                token.cancel();
            }
        };
        let (a, b, ()) = guarded(&what, async {
            tokio::join!(
                supervise(first, token.clone()),
                supervise(second, token.clone()),
                canceller
            )
        })
        .await;
        for (name, n, exits) in [("the first", first, a), ("the second", second, b)] {
            assert_eq!(
                exits,
                expected_exits(n, cancel_at),
                "{what}: {name} call (of {n} workers) returned {exits:?}.\n\
                 Each call returns the exits of its own workers, one per worker. Exits of \
                 the other call's workers, or missing ones, mean the exits are kept somewhere \
                 both calls share (a `static`, a global): keep them in the call, e.g. as the \
                 workers' JoinHandle outputs.",
            );
        }
        watch.assert_elapsed(
            ms(cancel_at) + FLUSH_TIME,
            &what,
            "Both calls return when their workers have flushed, 100ms after the \
             cancellation.",
        );
        assert_no_leaked_tasks("both supervise calls returned").await;
    })
    .await;
}
