//! Grading tests for kata 13: survive broadcast lag.
//!
//! Every test runs on a paused clock: a producer that sends a burst at
//! 100ms does so at exactly 100ms of virtual time, so when the receiver
//! falls behind, and by how much, is exact. A `consume` that never returns
//! fails under the hang guard in microseconds.

use kata_13_broadcast_lag::{consume, Summary};
use kata_support::{assert_no_leaked_tasks, ms, no_hang, Stopwatch};
use tokio::sync::broadcast;
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn ten_values_into_capacity_four_keep_the_last_four() {
    let (tx, rx) = broadcast::channel(4);
    for value in 0..10 {
        tx.send(value)
            .expect("the receiver exists: send must succeed");
    }
    drop(tx);

    let watch = Stopwatch::start();
    let summary = no_hang("consume (ten values sent into capacity 4)", consume(rx)).await;
    watch.assert_elapsed(
        ms(0),
        "consume (ten values already sent, the sender dropped)",
        "Everything was already sent and the channel closed: nothing to wait for.",
    );
    insta::with_settings!({
        description => "broadcast::channel(4); 0 to 9 sent before the receiver reads \
            anything, then the sender is dropped. The channel only keeps the last 4 \
            values, so the first recv() is Err(Lagged(6)): 0 to 5 were overwritten. \
            After that the receiver reads 6, 7, 8, 9, and then Err(Closed). Empty values \
            mean the lag was treated as the end of the stream (while let Ok(..) stops \
            at the first Err); skipped: 0 means Lagged(n) was not counted.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("capacity_four", format!("{summary:?}"));
    });
}

#[tokio::test(start_paused = true)]
async fn a_receiver_that_falls_behind_mid_stream_catches_up() {
    let (tx, rx) = broadcast::channel(4);
    // 1 and 2 at 0ms; a burst of 10 to 20 at 100ms, too fast for the
    // receiver; 99 at 200ms; then the sender is dropped. (A send fails only
    // if consume has already dropped its receiver; the summary shows that.)
    let producer = tokio::spawn(async move {
        for value in [1, 2] {
            let _ = tx.send(value);
        }
        sleep(ms(100)).await;
        for value in 10..=20 {
            let _ = tx.send(value);
        }
        sleep(ms(100)).await;
        let _ = tx.send(99);
    });

    let watch = Stopwatch::start();
    let summary = no_hang("consume (with a burst at 100ms)", consume(rx)).await;
    let returned_at = watch.elapsed_ms();
    producer.await.expect("the test's producer panicked");

    let expected = Summary {
        values: vec![1, 2, 17, 18, 19, 20, 99],
        skipped: 7,
    };
    assert_eq!(
        summary, expected,
        "consume returned {summary:?} (at {returned_at}ms).\n\
         The receiver reads 1 and 2 at 0ms. At 100ms eleven values (10 to 20) are sent \
         at once into a channel that keeps 4, so its next recv() is Err(Lagged(7)) (10 \
         to 16 are gone), then 17, 18, 19, 20; at 200ms 99, then Err(Closed). A lag is \
         not the end: count it and keep receiving. Only Closed ends the loop."
    );
    watch.assert_elapsed(
        ms(200),
        "consume (the sender is dropped at 200ms)",
        "consume must return when the channel closes, right after the last value.",
    );
    assert_no_leaked_tasks("consume returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_receiver_that_keeps_up_skips_nothing() {
    let (tx, rx) = broadcast::channel(4);
    // One value every 10ms: the receiver keeps up easily. (A send fails only
    // if consume has already dropped its receiver; the summary shows that.)
    let producer = tokio::spawn(async move {
        for value in 0..10 {
            let _ = tx.send(value);
            sleep(ms(10)).await;
        }
    });

    let watch = Stopwatch::start();
    let summary = no_hang("consume (one value every 10ms)", consume(rx)).await;
    producer.await.expect("the test's producer panicked");

    let expected = Summary {
        values: (0..10).collect(),
        skipped: 0,
    };
    assert_eq!(
        summary, expected,
        "consume (0 to 9, one every 10ms, capacity 4) returned {summary:?}: a receiver \
         that keeps up misses nothing."
    );
    watch.assert_elapsed(
        ms(100),
        "consume (the sender is dropped at 100ms)",
        "consume must keep receiving until the channel closes (Err(Closed)), and return \
         right then: not before, not later.",
    );
    assert_no_leaked_tasks("consume returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_closed_channel_gives_an_empty_summary() {
    let (tx, rx) = broadcast::channel::<u32>(4);
    drop(tx);
    let summary = no_hang(
        "consume (a channel with no sender and no value)",
        consume(rx),
    )
    .await;
    assert_eq!(
        summary,
        Summary::default(),
        "consume on a channel that was closed before anything was sent returned \
         {summary:?}, expected no values and nothing skipped."
    );
}
