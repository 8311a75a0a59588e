//! Grading tests for kata 07: implement a timeout.
//!
//! Every test runs on a paused clock: time only moves when the runtime has
//! nothing to do but wait for a timer, and then jumps straight to it. So a
//! 5 s future costs no real time, and every elapsed time is exact.

use std::time::Duration;

use futures::future::BoxFuture;
use kata_07_timeout::{first_within, with_timeout, TimedOut};
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, no_hang, track_drop, Stopwatch};
use tokio::time::Instant;

/// A lazy future that finishes `millis` after it is first polled.
async fn after<T>(millis: u64, value: T) -> T {
    tokio::time::sleep(ms(millis)).await;
    value
}

/// The batch that the `first_within` tests run against a deadline 1 s away:
/// (how long the op takes, its value). `None` means "ready at once".
const BATCH: [(Option<u64>, &str); 5] = [
    (Some(300), "a"),
    (Some(1500), "b"),
    (Some(900), "c"),
    (Some(1000), "d"),
    (None, "e"),
];

fn batch() -> Vec<BoxFuture<'static, &'static str>> {
    BATCH
        .iter()
        .map(|&(takes, value)| -> BoxFuture<'static, &'static str> {
            match takes {
                Some(millis) => Box::pin(after(millis, value)),
                None => Box::pin(async move { value }),
            }
        })
        .collect()
}

const WHY_NOT_AT_THE_LIMIT: &str = "A timeout must give up when the limit is reached, \
     without waiting for the work to finish: race the future against \
     tokio::time::sleep(limit) in select! instead of awaiting it first and \
     checking the time afterwards. If you measure time with \
     std::time::Instant: that is the operating system's clock, which tokio's \
     paused test clock does not move; use tokio::time instead.";

#[tokio::test(start_paused = true)]
async fn a_slow_future_times_out_at_exactly_the_limit() {
    let watch = Stopwatch::start();
    let result = no_hang(
        "with_timeout(1s, a future that takes 5s)",
        with_timeout(ms(1000), after(5000, "done")),
    )
    .await;
    watch.assert_elapsed(
        ms(1000),
        "with_timeout(1s, a future that takes 5s)",
        WHY_NOT_AT_THE_LIMIT,
    );
    assert_eq!(
        result,
        Err(TimedOut { limit: ms(1000) }),
        "with_timeout(1s, a future that takes 5s) returned {result:?}, expected \
         Err(TimedOut {{ limit: 1s }}): the error carries the limit that was exceeded."
    );
}

#[tokio::test(start_paused = true)]
async fn a_fast_future_is_ok_as_soon_as_it_finishes() {
    let watch = Stopwatch::start();
    let result = no_hang(
        "with_timeout(1s, a future that takes 500ms)",
        with_timeout(ms(1000), after(500, 42)),
    )
    .await;
    assert_eq!(
        result,
        Ok(42),
        "with_timeout(1s, a future that takes 500ms and returns 42) returned \
         {result:?}, expected Ok(42): the future finished well within the limit."
    );
    watch.assert_elapsed(
        ms(500),
        "with_timeout(1s, a future that takes 500ms)",
        "with_timeout must return as soon as the future finishes. If it took \
         1s, it waited for the timer although the work was already done.",
    );
}

#[tokio::test(start_paused = true)]
async fn a_future_finishing_exactly_at_the_limit_wins_the_tie() {
    // A tie is decided by which branch is polled first, so run it many times:
    // an unbiased select! picks a random branch first and loses some ties.
    for round in 0..32u32 {
        let watch = Stopwatch::start();
        let result = no_hang(
            "with_timeout(1s, a future that takes exactly 1s)",
            with_timeout(ms(1000), after(1000, round)),
        )
        .await;
        assert_eq!(
            result,
            Ok(round),
            "round {round}: with_timeout(1s, a future that finishes exactly at 1s) \
             returned {result:?}, expected Ok({round}). When the future and the \
             timer are ready at the same instant, the future's output wins: put \
             the future's branch first in select! and start it with `biased;`. \
             Without `biased;`, select! polls the branches in a random order and \
             a tie goes either way."
        );
        watch.assert_elapsed(
            ms(1000),
            "with_timeout(1s, a future that takes exactly 1s)",
            "Both the future and the timer are ready at 1s.",
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_ready_future_is_ok_even_with_a_zero_limit() {
    let watch = Stopwatch::start();
    let result = no_hang(
        "with_timeout(0ms, a future that is ready at once)",
        with_timeout(Duration::ZERO, async { 7 }),
    )
    .await;
    assert_eq!(
        result,
        Ok(7),
        "with_timeout(Duration::ZERO, a future that is ready at once) returned \
         {result:?}, expected Ok(7): the future is polled first, and its output \
         wins the tie with the (already expired) timer."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "with_timeout(0ms, a future that is ready at once)",
        "Nothing needs to wait here.",
    );
}

#[tokio::test(start_paused = true)]
async fn a_future_that_never_finishes_still_times_out() {
    let watch = Stopwatch::start();
    let guard = ms(60_000);
    let call = with_timeout(ms(2000), std::future::pending::<u32>());
    let Ok(result) = tokio::time::timeout(guard, call).await else {
        panic!(
            "with_timeout(2s, a future that never finishes) was still running after \
             {} of virtual time. A timeout exists precisely for work that hangs: \
             it must not wait for the future at all, only race it against \
             tokio::time::sleep(limit). (std::time::Instant does not move on the \
             paused test clock, so a deadline measured with it never arrives.)",
            fmt_duration(guard)
        );
    };
    assert_eq!(
        result,
        Err(TimedOut { limit: ms(2000) }),
        "with_timeout(2s, a future that never finishes) returned {result:?}, \
         expected Err(TimedOut {{ limit: 2s }})."
    );
    watch.assert_elapsed(
        ms(2000),
        "with_timeout(2s, a future that never finishes)",
        WHY_NOT_AT_THE_LIMIT,
    );
}

#[tokio::test(start_paused = true)]
async fn the_timed_out_future_is_dropped_and_nothing_leaks() {
    let (flag, slow) = track_drop(after(5000, "done"));
    let result = no_hang(
        "with_timeout(1s, a future that takes 5s)",
        with_timeout(ms(1000), slow),
    )
    .await;
    assert!(
        result.is_err(),
        "with_timeout(1s, a future that takes 5s) returned {result:?}, expected \
         Err(TimedOut {{ .. }})."
    );
    // Checked the moment with_timeout returns: cancellation is immediate.
    flag.assert_dropped("the 5s future that timed out");
    assert_no_leaked_tasks("with_timeout returned").await;
}

#[tokio::test(start_paused = true)]
async fn first_within_returns_at_the_shared_deadline() {
    let watch = Stopwatch::start();
    let deadline = Instant::now() + ms(1000);
    let results = no_hang("first_within", first_within(deadline, batch())).await;
    watch.assert_elapsed(
        ms(1000),
        "first_within, with ops of 300ms, 1.5s, 900ms, 1s and 0ms and a deadline 1s away,",
        "Every op must run at the same time, against the same deadline: the \
         instant you were given, not a fresh time limit per op. If the ops run \
         one after the other, each with its own timeout, the later ones start \
         late and the whole call overruns the deadline.",
    );
    assert_eq!(
        results.len(),
        BATCH.len(),
        "first_within must return one entry per op, got {results:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn first_within_returns_early_when_every_op_is_done() {
    let watch = Stopwatch::start();
    let deadline = Instant::now() + ms(1000);
    let ops: Vec<BoxFuture<'static, u32>> = vec![
        Box::pin(after(100, 1)),
        Box::pin(after(300, 2)),
        Box::pin(after(200, 3)),
    ];
    let results = no_hang("first_within", first_within(deadline, ops)).await;
    assert_eq!(
        results,
        vec![Some(1), Some(2), Some(3)],
        "first_within with ops of 100ms, 300ms and 200ms and a deadline 1s away \
         returned {results:?}: every op finished in time, so every entry is \
         Some, in the order of the ops."
    );
    watch.assert_elapsed(
        ms(300),
        "first_within, with ops of 100ms, 300ms and 200ms and a deadline 1s away,",
        "first_within must return as soon as every op has finished (here at \
         300ms, the slowest op). If it took 1s, it waited for the deadline \
         although nothing was left to wait for; if it took 600ms, the ops ran \
         one after the other.",
    );
}

#[tokio::test(start_paused = true)]
async fn first_within_keeps_what_finished_by_the_deadline_in_input_order() {
    let watch = Stopwatch::start();
    let deadline = Instant::now() + ms(1000);
    let results = no_hang("first_within", first_within(deadline, batch())).await;

    let mut report = format!(
        "deadline: 1000ms after the start\nreturned at: {}ms\n",
        watch.elapsed_ms()
    );
    for (index, (takes, _)) in BATCH.iter().enumerate() {
        let takes = takes.map_or("ready at once".to_string(), |t| format!("takes {t}ms"));
        let got = results
            .get(index)
            .map_or("missing".to_string(), |r| format!("{r:?}"));
        report.push_str(&format!("op {index} ({takes}): {got}\n"));
    }
    insta::with_settings!({
        description => "first_within(a deadline 1s away, five ops). All ops run at the \
            same time against the one deadline: each is Some if it finished by the \
            deadline (op 3 finishes exactly at it, and counts), None if not, in the \
            order of the ops. A None where Some is expected usually means the ops \
            ran one after the other, so the later ones started too late.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("first_within_results", report);
    });
}

#[tokio::test(start_paused = true)]
async fn first_within_drops_the_ops_that_miss_the_deadline() {
    let deadline = Instant::now() + ms(1000);
    let (fast_flag, fast) = track_drop(after(200, 1u32));
    let (slow_flag, slow) = track_drop(after(3000, 2u32));
    let (slower_flag, slower) = track_drop(after(5000, 3u32));
    let ops: Vec<BoxFuture<'static, u32>> = vec![Box::pin(fast), Box::pin(slow), Box::pin(slower)];

    let results = no_hang("first_within", first_within(deadline, ops)).await;
    assert_eq!(
        results,
        vec![Some(1), None, None],
        "first_within with ops of 200ms, 3s and 5s and a deadline 1s away \
         returned {results:?}."
    );
    // Checked the moment first_within returns: the losers are already gone.
    slow_flag.assert_dropped("op 1 (takes 3s), which missed the 1s deadline,");
    slower_flag.assert_dropped("op 2 (takes 5s), which missed the 1s deadline,");
    fast_flag.assert_dropped("op 0 (takes 200ms), which had finished,");
    assert_no_leaked_tasks("first_within returned").await;
}
