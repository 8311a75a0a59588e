//! Grading tests for kata 11: backpressure with a bounded channel.
//!
//! The timing tests run on a paused clock, so "the consumer takes 100ms per
//! value" is exact virtual time and costs no real time. The `tokio_test`
//! tests poll a single `send` by hand, with no runtime at all, to watch it
//! wait (`Pending`) and be woken.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kata_11_backpressure::{ingest_channel, lossy_send};
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, no_hang};
use tokio::sync::mpsc::Receiver;
use tokio::time::{sleep, sleep_until, Instant};
use tokio_test::{assert_pending, assert_ready, task};

/// A slow consumer: takes a value, then spends 100ms on it, until the
/// channel closes. Returns what it got and when it was done (ms).
async fn slow_consumer(mut rx: Receiver<u32>, start: Instant) -> (Vec<u32>, u64) {
    let mut got = Vec::new();
    while let Some(value) = rx.recv().await {
        got.push(value);
        sleep(ms(100)).await;
    }
    (got, start.elapsed().as_millis() as u64)
}

#[tokio::test(start_paused = true)]
async fn the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full() {
    let (tx, rx) = ingest_channel(4);
    let start = Instant::now();
    // Sends 0 to 19 as fast as the channel lets it.
    let producer = tokio::spawn(async move {
        for value in 0..20 {
            tx.send(value)
                .await
                .expect("the consumer is alive: send must not fail");
        }
        start.elapsed()
    });
    let consumer = tokio::spawn(slow_consumer(rx, start));

    let producer_done = no_hang("the producer (20 sends)", producer)
        .await
        .expect("the test's producer task panicked");
    let (got, consumer_done) = no_hang("the consumer", consumer)
        .await
        .expect("the test's consumer task panicked");

    assert_eq!(
        got,
        (0..20).collect::<Vec<u32>>(),
        "the consumer received {got:?}, expected 0 to 19 in order: send(..).await \
         delivers every value."
    );
    assert_eq!(
        producer_done,
        ms(1500),
        "a producer sending 20 values into ingest_channel(4), to a consumer that takes \
         one value every 100ms, finished after {} of virtual time, expected exactly 1.5s.\n\
         With room for 4 values, the producer can only run 4 values ahead of the \
         consumer: it sends value 19 when the consumer takes value 15, at 1.5s. If it \
         finished at 0ms, it never had to wait: the channel does not hold it back, so \
         its queue can grow without limit (is ingest_channel bounded by `cap`, \
         mpsc::channel(cap)?). Any other time means the capacity is not exactly `cap`.",
        fmt_duration(producer_done)
    );
    assert_eq!(
        consumer_done, 2000,
        "the consumer finished after {consumer_done}ms, expected 2000ms (20 values, \
         100ms each)."
    );
    assert_no_leaked_tasks("the producer and the consumer finished").await;
}

#[test]
fn send_waits_while_the_channel_is_full_and_is_woken_by_a_recv() {
    let (tx, mut rx) = ingest_channel(2);
    for value in [1, 2] {
        let mut send = task::spawn(tx.send(value));
        let sent = assert_ready!(
            send.poll(),
            "send({value}) into an empty ingest_channel(2) is waiting; with room for 2 \
             values it must go through at once."
        );
        assert!(sent.is_ok(), "send({value}) failed: {sent:?}");
    }

    // The buffer holds 2 values: a third send must wait for room.
    let mut third = task::spawn(tx.send(3));
    assert_pending!(
        third.poll(),
        "send(3) into an ingest_channel(2) that already holds 2 values completed at \
         once. A bounded channel makes the sender wait when it is full: that wait IS \
         the backpressure. Is ingest_channel really mpsc::channel(cap)?"
    );
    assert!(
        !third.is_woken(),
        "the waiting send(3) was woken although nothing left the channel."
    );

    // The consumer takes one value: that frees one slot, and the waiting
    // send is woken to use it.
    assert_eq!(rx.try_recv(), Ok(1), "the first value received should be 1");
    assert!(
        third.is_woken(),
        "taking a value out of the full channel did not wake the waiting send(3). \
         (The channel does this itself: are you using tokio's mpsc?)"
    );
    let sent = assert_ready!(
        third.poll(),
        "send(3) was woken after a recv made room, but is still waiting when polled again."
    );
    assert!(sent.is_ok(), "send(3) failed: {sent:?}");
    drop(third);
    drop(tx);
    let rest: Vec<u32> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert_eq!(
        rest,
        [2, 3],
        "after taking 1, the channel held {rest:?}, expected [2, 3]."
    );
}

#[test]
fn lossy_send_never_waits_and_counts_what_it_drops() {
    let (tx, mut rx) = ingest_channel(2);
    let dropped = AtomicU64::new(0);
    for value in [1, 2, 3] {
        let mut send = task::spawn(lossy_send(&tx, value, &dropped));
        assert_ready!(
            send.poll(),
            "lossy_send({value}) into an ingest_channel(2) holding {} value(s) is \
             waiting. lossy_send must never wait: when there is no room it drops the \
             value and returns at once. `send(..).await` waits for room; Sender has a \
             method that tries once instead.",
            value - 1
        );
    }
    let count = dropped.load(Ordering::Relaxed);
    drop(tx);
    let delivered: Vec<u32> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert_eq!(
        (delivered.as_slice(), count),
        (&[1, 2][..], 1),
        "after lossy_send of 1, 2 and 3 into an ingest_channel(2), the channel held \
         {delivered:?} and `dropped` was {count}; expected [1, 2] and 1: the third \
         value finds the channel full, so it is dropped and counted. (If the channel \
         took all three, it is not bounded by `cap`.)"
    );
}

#[test]
fn lossy_send_counts_a_value_nobody_can_receive_as_dropped() {
    let (tx, rx) = ingest_channel(2);
    drop(rx);
    let dropped = AtomicU64::new(0);
    let mut send = task::spawn(lossy_send(&tx, 7, &dropped));
    assert_ready!(
        send.poll(),
        "lossy_send into a channel whose receiver is gone is waiting; it must return at once."
    );
    let count = dropped.load(Ordering::Relaxed);
    assert_eq!(
        count, 1,
        "lossy_send(7) into a channel whose receiver was dropped left `dropped` at \
         {count}, expected 1: a value that cannot be delivered is a dropped value, \
         whatever the reason (full or closed)."
    );
}

#[tokio::test(start_paused = true)]
async fn a_lossy_producer_drops_what_a_slow_consumer_cannot_take() {
    // A producer with a value every 15ms (0 to 19, over 285ms) that must not
    // slow down, a consumer that needs 100ms per value, room for 4.
    let (tx, rx) = ingest_channel(4);
    let dropped = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let sent_log = Arc::new(Mutex::new(Vec::new()));
    let producer = {
        let dropped = dropped.clone();
        let sent_log = sent_log.clone();
        tokio::spawn(async move {
            for value in 0..20u32 {
                sleep_until(start + ms(15 * value as u64)).await;
                lossy_send(&tx, value, &dropped).await;
                sent_log
                    .lock()
                    .unwrap()
                    .push(start.elapsed().as_millis() as u64);
            }
            start.elapsed().as_millis() as u64
        })
    };
    let consumer = tokio::spawn(slow_consumer(rx, start));

    let producer_done = no_hang("the lossy producer", producer)
        .await
        .expect("the test's producer task panicked");
    let (delivered, consumer_done) = no_hang("the consumer", consumer)
        .await
        .expect("the test's consumer task panicked");
    let late: Vec<(usize, u64)> = sent_log
        .lock()
        .unwrap()
        .iter()
        .copied()
        .enumerate()
        .filter(|&(value, at)| at != 15 * value as u64)
        .collect();
    assert!(
        late.is_empty(),
        "lossy_send made the producer wait: (value, when its lossy_send returned in ms) \
         {late:?}, but each should return at the moment it was called (value n at \
         n × 15ms). lossy_send must drop a value it has no room for, not wait for room."
    );

    let report = format!(
        "delivered: {delivered:?}\n\
         dropped (counted by lossy_send): {}\n\
         producer finished at: {producer_done}ms\n\
         consumer finished at: {consumer_done}ms\n",
        dropped.load(Ordering::Relaxed)
    );
    insta::with_settings!({
        description => "A producer calls lossy_send with 0 to 19, one every 15ms; the \
            consumer takes a value every 100ms; ingest_channel(4). The consumer takes 0 \
            at once, the buffer fills with 1 to 4, and from then on only a value that \
            finds a free slot (7 at 105ms, 14 at 210ms) gets in: 13 are dropped and \
            counted. The producer never slows down (done at 285ms). Everything \
            delivered means nothing was ever dropped: is the channel bounded, and does \
            lossy_send use try_send?",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("lossy_delivery", report);
    });
    assert_no_leaked_tasks("the producer and the consumer finished").await;
}
