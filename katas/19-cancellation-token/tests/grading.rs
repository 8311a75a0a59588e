//! Grading tests for kata 19: stop workers with a `CancellationToken`.
//!
//! Every test runs on a paused clock. Worker `w`'s items take
//! 50ms × (w + 1) and a flush takes 100ms, so the instant `supervise`
//! returns, and how many items each worker reports, follow exactly from the
//! instant the token is cancelled.

use std::future::Future;
use std::time::Duration;

use kata_19_cancellation_token::{supervise, Exit};
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, EventLog, Stopwatch, HANG_LIMIT};
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

fn exit(worker: usize, items: u32) -> Exit {
    Exit { worker, items }
}

#[tokio::test(start_paused = true)]
async fn supervise_returns_when_the_last_worker_has_flushed() {
    let (exits, returned_after, log) = run(3, 260).await;

    assert_eq!(
        returned_after,
        ms(360),
        "supervise(3 workers, a token cancelled at 260ms) returned after {} of virtual time, \
         expected exactly 360ms: every worker stops at 260ms and flushes for 100ms.\n\
         Returned at 260ms: the workers did not flush, either because they were aborted \
         (an aborted task never runs its own cleanup; let them see `token.cancelled()` and \
         stop on their own) or because flush(w) was not called. Later than 360ms: a \
         worker finished its current item before it noticed the cancellation (checking \
         `token.is_cancelled()` between items); race the item against \
         `token.cancelled()` in a select! so that it is abandoned at once.\n\
         What happened:\n{log}",
        fmt_duration(returned_after)
    );
    assert_eq!(
        exits,
        vec![exit(0, 5), exit(1, 2), exit(2, 1)],
        "supervise(3 workers, a token cancelled at 260ms) returned {exits:?}.\n\
         Expected one Exit per worker, in worker order. Worker 0 (50ms items) completed 5 \
         items by 260ms, worker 1 (100ms) 2, worker 2 (150ms) 1; the item each was in the \
         middle of at 260ms is abandoned, not counted. Missing exits usually mean workers \
         were aborted instead of asked to stop."
    );
    assert_no_leaked_tasks("supervise returned").await;
}

#[tokio::test(start_paused = true)]
async fn the_shutdown_is_logged_in_virtual_time() {
    let (exits, _, log) = run(3, 260).await;
    let mut report = log.to_string();
    report.push_str("exits:\n");
    for exit in &exits {
        report.push_str(&format!("{exit:?}\n"));
    }
    insta::with_settings!({
        description => "supervise(3 workers, token), the token cancelled at 260ms. Each worker \
            abandons its current item at 260ms, flushes for 100ms and exits, so supervise \
            returns at 360ms with one Exit per worker, in worker order (items of 50, 100 and \
            150ms: 5, 2 and 1 completed).",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("shutdown_log", report);
    });
    assert_no_leaked_tasks("supervise returned").await;
}

#[tokio::test(start_paused = true)]
async fn an_already_cancelled_token_still_flushes_every_worker() {
    let token = CancellationToken::new();
    token.cancel();
    let watch = Stopwatch::start();
    let exits = guarded(
        "supervise(2 workers, a token cancelled beforehand)",
        supervise(2, token),
    )
    .await;
    assert_eq!(
        exits,
        vec![exit(0, 0), exit(1, 0)],
        "supervise(2 workers, a token cancelled beforehand) returned {exits:?}. Each worker \
         sees the cancellation before it completes any item, so each exits with 0 items, \
         after its flush. (`token.cancelled()` on a cancelled token completes at once.)"
    );
    watch.assert_elapsed(
        ms(100),
        "supervise(2 workers, a token cancelled beforehand)",
        "Both workers stop at once and flush for 100ms at the same time. 0ms: they did not \
         flush. 200ms: they flushed one after the other.",
    );
    assert_no_leaked_tasks("supervise returned").await;
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
}
