//! Grading tests for kata 11: backpressure with a bounded channel.
//!
//! The timing tests run on a paused clock, so "the consumer takes 137ms
//! over this value" is exact virtual time and costs no real time. The
//! `tokio_test` tests poll a single `send` by hand, with no runtime at all,
//! to watch it wait (`Pending`) and be woken. Capacities, values, delays
//! and the producer's pace are generated from fixed seeds (a failure prints
//! the seed and a command that replays it), so that neither a capacity
//! hard-coded from the README's example nor an off-by-one can pass.
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | an unbounded channel (or one "big enough"): the producer never waits | `the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full`, `send_waits_while_the_channel_is_full_and_is_woken_by_a_recv` |
//! | a capacity off by one (`cap + 1` "spare", `cap - 1` "one in flight") | `send_waits_while_the_channel_is_full_and_is_woken_by_a_recv` |
//! | a capacity that ignores `cap` (a constant) | `send_waits_while_the_channel_is_full_and_is_woken_by_a_recv`, `the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full` |
//! | `lossy_send` awaits `send`, which waits for room | `lossy_send_never_waits_and_counts_what_it_drops` |
//! | `lossy_send` gives the consumer "a chance" (yields, retries) before dropping | `lossy_send_never_waits_and_counts_what_it_drops` |
//! | a dropped value is not counted (error ignored) | `lossy_send_never_waits_and_counts_what_it_drops`, `a_lossy_producer_drops_what_a_slow_consumer_cannot_take` |
//! | only `Full` is counted, a closed channel's value vanishes | `lossy_send_counts_a_value_nobody_can_receive_as_dropped` |
//! | `select!`/`timeout(0)` around `send(..)`: after tokio's coop budget (128 operations) `send` says Pending with room to spare, and values are dropped for nothing | `lossy_send_delivers_a_burst_longer_than_the_coop_budget` |
//! | an optional yield point (`consume_budget().await`) before `try_send`: after 128 operations in a row, a call is not ready at its first poll | `lossy_send_delivers_a_burst_longer_than_the_coop_budget` |
//! | checks `capacity()` and then awaits `send`: the budget runs out, or another producer takes the slot in between (a race, on a multi-thread runtime) | `lossy_send_delivers_a_burst_longer_than_the_coop_budget` (always), `lossy_send_from_many_threads_never_waits` (when the race happens) |
//! | with several producers at once, a value neither delivered nor counted, or a wait | `lossy_send_from_many_threads_never_waits` |

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kata_11_backpressure::{ingest_channel, lossy_send};
use kata_support::{
    Rng, assert_no_leaked_tasks, fmt_duration, for_each_seed, for_each_seed_sync, ms, no_hang,
    on_multi_thread,
};
use tokio::sync::mpsc::Receiver;
use tokio::time::{Instant, sleep, sleep_until};
use tokio_test::{assert_pending, assert_ready, task};

/// A slow consumer: takes a value, then spends `delays[k]` ms on value k,
/// until the channel closes. Returns what it got and when it was done.
async fn slow_consumer(mut rx: Receiver<u32>, delays: Vec<u64>, start: Instant) -> (Vec<u32>, u64) {
    let mut got = Vec::new();
    while let Some(value) = rx.recv().await {
        let delay = delays.get(got.len()).copied().unwrap_or(1);
        got.push(value);
        sleep(ms(delay)).await;
    }
    (got, start.elapsed().as_millis() as u64)
}

/// `n` values that are not simply 0, 1, 2...
fn values(rng: &mut Rng, n: usize) -> Vec<u32> {
    (0..n).map(|_| rng.range(0, 9_999) as u32).collect()
}

#[tokio::test(start_paused = true)]
async fn the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full() {
    for_each_seed(24, |mut rng| async move {
        let cap = rng.range(1, 9) as usize;
        let n = cap + rng.range(3, 30) as usize;
        let sent = values(&mut rng, n);
        let delays: Vec<u64> = (0..n).map(|_| rng.odd_ms(7, 313)).collect();
        // The consumer takes value k at takes[k] (it is never short of work).
        let takes: Vec<u64> = std::iter::once(0)
            .chain(delays.iter().scan(0, |at, d| {
                *at += d;
                Some(*at)
            }))
            .collect();
        // Value j (j >= cap) only fits once the consumer has taken value
        // j - cap: the last one goes in when value n - 1 - cap is taken.
        let expected_done = takes[n - 1 - cap];

        let (tx, rx) = ingest_channel(cap);
        let start = Instant::now();
        let producer = {
            let sent = sent.clone();
            tokio::spawn(async move {
                for value in sent {
                    tx.send(value)
                        .await
                        .expect("the consumer is alive: send must not fail");
                }
                start.elapsed()
            })
        };
        let consumer = tokio::spawn(slow_consumer(rx, delays.clone(), start));
        let producer_done = no_hang(&format!("a producer of {n} values"), producer)
            .await
            .expect("the test's producer task panicked");
        let (got, consumer_done) = no_hang("the consumer", consumer)
            .await
            .expect("the test's consumer task panicked");

        assert_eq!(
            got, sent,
            "the consumer received {got:?}, expected {sent:?}, in that order: \
             send(..).await delivers every value."
        );
        if producer_done != ms(expected_done) {
            let meaning = if producer_done.is_zero() {
                "It never had to wait: the channel does not hold it back, so its queue can \
                 grow without limit. Is ingest_channel bounded by `cap` \
                 (mpsc::channel(cap))?"
                    .to_string()
            } else if expected_done > 0 && cap > 1 && producer_done == ms(takes[n - cap]) {
                "That is when it would finish with room for one value less: the channel \
                 holds cap - 1 values, not cap."
                    .to_string()
            } else if n >= cap + 2 && producer_done == ms(takes[n - 2 - cap]) {
                "That is when it would finish with room for one value more: the channel \
                 holds cap + 1 values, not cap."
                    .to_string()
            } else {
                "The channel's capacity is not `cap`.".to_string()
            };
            panic!(
                "a producer sending {n} values as fast as it can into ingest_channel({cap}), \
                 to a consumer that spends {delays:?} ms on them, finished after {} of \
                 virtual time, expected exactly {}.\nWith room for {cap} values, the producer \
                 can only run {cap} values ahead of the consumer: its last value fits when \
                 the consumer takes value {} (counting from 0). {meaning}",
                fmt_duration(producer_done),
                fmt_duration(ms(expected_done)),
                n - 1 - cap
            );
        }
        assert_eq!(
            consumer_done, takes[n],
            "the consumer finished after {consumer_done}ms, expected {}ms.",
            takes[n]
        );
        assert_no_leaked_tasks("the producer and the consumer finished").await;
    })
    .await;
}

#[test]
fn send_waits_while_the_channel_is_full_and_is_woken_by_a_recv() {
    for_each_seed_sync(16, |mut rng| {
        let cap = rng.range(1, 12) as usize;
        let sent = values(&mut rng, cap + 1);
        let (tx, mut rx) = ingest_channel(cap);
        for (k, &value) in sent[..cap].iter().enumerate() {
            let mut send = task::spawn(tx.send(value));
            let result = assert_ready!(
                send.poll(),
                "send({value}) into an ingest_channel({cap}) holding {k} value(s) is \
                 waiting; with room for {cap} values it must go through at once. (A channel \
                 that makes the {}th send wait holds fewer than `cap` values.)",
                k + 1
            );
            assert!(result.is_ok(), "send({value}) failed: {result:?}");
        }

        // The buffer holds cap values: the next send must wait for room.
        let last = sent[cap];
        let mut waiting = task::spawn(tx.send(last));
        assert_pending!(
            waiting.poll(),
            "send({last}) into an ingest_channel({cap}) that already holds {cap} values \
             completed at once. A bounded channel makes the sender wait when it is full: \
             that wait IS the backpressure. Is ingest_channel exactly mpsc::channel(cap) \
             (not more room, not unbounded)?"
        );
        assert!(
            !waiting.is_woken(),
            "the waiting send({last}) was woken although nothing left the channel."
        );

        // The consumer takes one value: that frees one slot, and the waiting
        // send is woken to use it.
        assert_eq!(
            rx.try_recv(),
            Ok(sent[0]),
            "the first value received should be the first sent"
        );
        assert!(
            waiting.is_woken(),
            "taking a value out of the full channel did not wake the waiting send({last}). \
             (The channel does this itself: are you using tokio's mpsc?)"
        );
        let result = assert_ready!(
            waiting.poll(),
            "send({last}) was woken after a recv made room, but is still waiting when polled \
             again."
        );
        assert!(result.is_ok(), "send({last}) failed: {result:?}");
        drop(waiting);
        drop(tx);
        let rest: Vec<u32> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert_eq!(
            rest,
            sent[1..],
            "after taking the first value, the channel held {rest:?}, expected {:?}.",
            &sent[1..]
        );
    });
}

#[test]
fn lossy_send_never_waits_and_counts_what_it_drops() {
    for_each_seed_sync(16, |mut rng| {
        let cap = rng.range(1, 9) as usize;
        let extra = rng.range(1, 6) as usize;
        let sent = values(&mut rng, cap + extra);
        // The counter already holds what earlier calls dropped.
        let before = rng.range(0, 50);
        let (tx, mut rx) = ingest_channel(cap);
        let dropped = AtomicU64::new(before);
        for (k, &value) in sent.iter().enumerate() {
            let mut send = task::spawn(lossy_send(&tx, value, &dropped));
            assert_ready!(
                send.poll(),
                "lossy_send({value}) into an ingest_channel({cap}) holding {} value(s) is \
                 waiting. lossy_send must never wait, not even a little: when there is no \
                 room it drops the value and returns at once. `send(..).await` waits for \
                 room, and so does anything that yields or retries first; Sender has a \
                 method that tries once instead.",
                k.min(cap)
            );
        }
        let count = dropped.load(Ordering::Relaxed);
        drop(tx);
        let delivered: Vec<u32> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert_eq!(
            (delivered.as_slice(), count),
            (&sent[..cap], before + extra as u64),
            "lossy_send of {sent:?}, one after another into an ingest_channel({cap}) that \
             nobody reads, with `dropped` at {before}: the channel then held {delivered:?} \
             and `dropped` was {count}; expected the first {cap} values and {}: each value \
             after the first {cap} finds the channel full, so it is dropped and counted \
             (added to the counter). If the channel took more than {cap}, it is not \
             bounded by `cap`.",
            before + extra as u64
        );
    });
}

#[test]
fn lossy_send_counts_a_value_nobody_can_receive_as_dropped() {
    for_each_seed_sync(8, |mut rng| {
        let cap = rng.range(1, 6) as usize;
        let (tx, rx) = ingest_channel(cap);
        // Sometimes the channel is full when its receiver goes away.
        let filled = if rng.chance(1, 2) { cap } else { 0 };
        let dropped = AtomicU64::new(0);
        for value in values(&mut rng, filled) {
            let _ = task::spawn(lossy_send(&tx, value, &dropped)).poll();
        }
        drop(rx);
        dropped.store(0, Ordering::Relaxed);
        let n = rng.range(1, 5);
        for value in values(&mut rng, n as usize) {
            let mut send = task::spawn(lossy_send(&tx, value, &dropped));
            assert_ready!(
                send.poll(),
                "lossy_send into a channel whose receiver is gone is waiting; it must return \
                 at once."
            );
        }
        let count = dropped.load(Ordering::Relaxed);
        assert_eq!(
            count, n,
            "{n} lossy_send(s) into a channel whose receiver was dropped left `dropped` at \
             {count}, expected {n}: a value that cannot be delivered is a dropped value, \
             whatever the reason (the channel is full, or closed: try_send says which)."
        );
    });
}

#[tokio::test(start_paused = true)]
async fn lossy_send_delivers_a_burst_longer_than_the_coop_budget() {
    for_each_seed(4, |mut rng| async move {
        // One task sends hundreds of values in a row, with room for them all:
        // more operations than tokio's cooperative budget (128) allows a
        // task before an async operation that could wait is made to yield.
        let cap = rng.range(200, 500) as usize;
        let extra = rng.range(1, 40) as usize;
        let sent = values(&mut rng, cap + extra);
        let (tx, mut rx) = ingest_channel(cap);
        let dropped = AtomicU64::new(0);
        let mut waited = None;
        for (k, &value) in sent.iter().enumerate() {
            let mut send = std::pin::pin!(lossy_send(&tx, value, &dropped));
            let ready = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(send.as_mut().poll(cx).is_ready())
            })
            .await;
            if !ready && waited.is_none() {
                // (Nobody receives here: waiting for room would be forever.)
                waited = Some(k);
            }
        }
        let count = dropped.load(Ordering::Relaxed);
        drop(tx);
        let mut delivered = Vec::new();
        while let Some(value) = rx.recv().await {
            delivered.push(value);
        }
        const BUDGET: &str = "After 128 operations in a row, tokio makes a task's next \
            wait-capable operation (`send(..)`, `recv()`, a `select!`) return Pending once, to \
            let other tasks run: its cooperative budget. Anything built on `send(..)`, or \
            raced in a `select!` or a `timeout`, then waits, or drops a value that would fit. \
            try_send never waits, so it has no budget to run out of.";
        if let Some(k) = waited {
            panic!(
                "lossy_send number {} of a burst of {} in a row, into an ingest_channel({cap}) \
                 with room to spare, did not return at once: lossy_send must never wait.\n{}",
                k + 1,
                sent.len(),
                if k >= 128 { BUDGET } else { "" }
            );
        }
        assert!(
            delivered == sent[..cap] && count == extra as u64,
            "a burst of {} lossy_sends in a row into an empty ingest_channel({cap}) delivered \
             {} values and counted {count} dropped; expected the first {cap} delivered and \
             {extra} dropped.\nlossy_send dropped values while the channel had room. {BUDGET}",
            sent.len(),
            delivered.len()
        );
    })
    .await;
}

/// What a lossy producer and a slow consumer do, worked out step by step.
/// `None` if two things happen at the very same instant (the test then
/// picks another schedule: their order would be up to the scheduler).
fn lossy_model(
    cap: usize,
    send_at: &[u64],
    sent: &[u32],
    delays: &[u64],
) -> Option<(Vec<u32>, u64, u64)> {
    let mut queue = VecDeque::new();
    let mut delivered = Vec::new();
    let mut dropped = 0;
    // When the consumer is done with its current value; None: it waits.
    let mut busy_until: Option<u64> = None;
    let take = |queue: &mut VecDeque<u32>, delivered: &mut Vec<u32>, at: u64| {
        let value = queue.pop_front()?;
        let delay = delays[delivered.len()];
        delivered.push(value);
        Some(at + delay)
    };
    for (&at, &value) in send_at.iter().zip(sent) {
        while let Some(free) = busy_until {
            if free > at || (free == at && queue.is_empty()) {
                break;
            }
            if free == at {
                return None;
            }
            busy_until = take(&mut queue, &mut delivered, free);
        }
        if busy_until == Some(at) {
            busy_until = None;
        }
        if queue.len() < cap {
            queue.push_back(value);
        } else {
            dropped += 1;
        }
        if busy_until.is_none() {
            busy_until = take(&mut queue, &mut delivered, at);
        }
    }
    // The producer is done: the consumer drains what is left, then sees the
    // channel closed.
    let last_send = *send_at.last().unwrap();
    let mut done = last_send;
    while let Some(free) = busy_until {
        done = free;
        busy_until = take(&mut queue, &mut delivered, free);
    }
    Some((delivered, dropped, done.max(last_send)))
}

#[tokio::test(start_paused = true)]
async fn a_lossy_producer_drops_what_a_slow_consumer_cannot_take() {
    for_each_seed(24, |mut rng| async move {
        let (cap, send_at, sent, delays, expected) = loop {
            let cap = rng.range(1, 6) as usize;
            let n = rng.range(10, 40) as usize;
            let mut at = 0;
            let send_at: Vec<u64> = (0..n)
                .map(|k| {
                    if k > 0 {
                        at += rng.odd_ms(3, 61);
                    }
                    at
                })
                .collect();
            let sent = values(&mut rng, n);
            let delays: Vec<u64> = (0..n).map(|_| rng.odd_ms(20, 203)).collect();
            if let Some(expected) = lossy_model(cap, &send_at, &sent, &delays) {
                break (cap, send_at, sent, delays, expected);
            }
        };
        let (expected_delivered, expected_dropped, expected_done) = expected;

        let (tx, rx) = ingest_channel(cap);
        let dropped = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let returned_at = Arc::new(Mutex::new(Vec::new()));
        let producer = {
            let (dropped, returned_at, send_at, sent) = (
                dropped.clone(),
                returned_at.clone(),
                send_at.clone(),
                sent.clone(),
            );
            tokio::spawn(async move {
                for (&at, &value) in send_at.iter().zip(&sent) {
                    sleep_until(start + ms(at)).await;
                    lossy_send(&tx, value, &dropped).await;
                    returned_at
                        .lock()
                        .unwrap()
                        .push(start.elapsed().as_millis() as u64);
                }
            })
        };
        let consumer = tokio::spawn(slow_consumer(rx, delays.clone(), start));
        no_hang("the lossy producer", producer)
            .await
            .expect("the test's producer task panicked");
        let (delivered, consumer_done) = no_hang("the consumer", consumer)
            .await
            .expect("the test's consumer task panicked");

        let late: Vec<(u32, u64, u64)> = returned_at
            .lock()
            .unwrap()
            .iter()
            .zip(send_at.iter().zip(&sent))
            .filter(|(returned, (at, _))| returned != at)
            .map(|(&returned, (&at, &value))| (value, at, returned))
            .collect();
        assert!(
            late.is_empty(),
            "lossy_send made the producer wait: (value, called at ms, returned at ms) \
             {late:?}. lossy_send must drop a value it has no room for, not wait for room."
        );
        let count = dropped.load(Ordering::Relaxed);
        assert!(
            delivered == expected_delivered && count == expected_dropped,
            "a producer calling lossy_send at {send_at:?} ms with {sent:?}, a consumer \
             spending {delays:?} ms on each value it takes, ingest_channel({cap}):\n  \
             delivered {delivered:?}, counted {count} dropped;\n  expected  \
             {expected_delivered:?}, {expected_dropped} dropped.\nA value finds room only \
             if fewer than {cap} are waiting; every other one is dropped and counted. \
             Everything delivered means nothing was dropped: is the channel bounded, and \
             does lossy_send use try_send? A dropped count of 0 means the drops were not \
             counted."
        );
        assert_eq!(
            consumer_done, expected_done,
            "the consumer finished at {consumer_done}ms, expected {expected_done}ms."
        );
        assert_no_leaked_tasks("the producer and the consumer finished").await;
    })
    .await;
}

#[test]
fn lossy_send_from_many_threads_never_waits() {
    on_multi_thread(
        24,
        2,
        "three producers calling lossy_send at once while a consumer drains the channel",
        |run| async move {
            let cap = 1 + (run as usize % 3);
            let per_producer: u64 = 3_000;
            let (tx, mut rx) = ingest_channel(cap);
            let dropped = Arc::new(AtomicU64::new(0));
            let waited = Arc::new(AtomicU64::new(0));
            let consumer = tokio::spawn(async move {
                let mut got = 0u64;
                while rx.recv().await.is_some() {
                    got += 1;
                }
                got
            });
            let producers: Vec<_> = (0..3)
                .map(|p| {
                    let (tx, dropped, waited) = (tx.clone(), dropped.clone(), waited.clone());
                    tokio::spawn(async move {
                        for k in 0..per_producer {
                            let value = (p * per_producer + k) as u32;
                            let mut send = task::spawn(lossy_send(&tx, value, &dropped));
                            if send.poll().is_pending() {
                                waited.fetch_add(1, Ordering::Relaxed);
                                // Let it finish, so the counts add up.
                                send.await;
                            }
                            if k % 64 == 0 {
                                tokio::task::yield_now().await;
                            }
                        }
                    })
                })
                .collect();
            drop(tx);
            for producer in producers {
                producer.await.expect("a producer panicked");
            }
            let got = consumer.await.expect("the consumer panicked");
            let (dropped, waited) = (
                dropped.load(Ordering::Relaxed),
                waited.load(Ordering::Relaxed),
            );
            assert_eq!(
                waited, 0,
                "with three producers calling lossy_send at the same time (on a multi-thread \
                 runtime) into an ingest_channel({cap}), {waited} lossy_send calls did not \
                 return at once. Checking for room first (capacity(), is_full) and then \
                 sending with send(..).await is a race: another producer can take the slot \
                 in between, and then send waits. try_send checks and takes the slot in one \
                 step."
            );
            assert_eq!(
                got + dropped,
                3 * per_producer,
                "three producers made {} lossy_send calls into an ingest_channel({cap}): the \
                 consumer received {got} and `dropped` counted {dropped}, which do not add \
                 up. Every value is either delivered or counted.",
                3 * per_producer
            );
        },
    );
}
