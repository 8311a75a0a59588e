//! Grading tests for kata 13: survive broadcast lag.
//!
//! Every test runs on a paused clock: a producer that sends a burst at
//! 317ms does so at exactly 317ms of virtual time, so when the receiver
//! falls behind, and by how much, is exact. A `consume` that never returns
//! fails under the hang guard in microseconds. Capacities, bursts, values
//! and times are generated from fixed seeds (a failure prints the seed and
//! a command that replays it): values are not consecutive and repeat, so
//! that counting the gaps between values cannot pass for counting lags.
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | `while let Ok(v) = rx.recv().await`: stops at the first lag | `ten_values_into_capacity_four_keep_the_last_four` |
//! | a lag treated as the end (returns at `Lagged`) | `a_receiver_that_falls_behind_mid_stream_catches_up` |
//! | `Lagged(n)` ignored (`skipped` stays 0) | `ten_values_into_capacity_four_keep_the_last_four` |
//! | a lag counted as one, whatever `n` | `ten_values_into_capacity_four_keep_the_last_four` |
//! | `skipped = n` instead of `skipped += n` (only the last lag kept) | `a_receiver_that_falls_behind_mid_stream_catches_up` |
//! | `resubscribe()` on a lag: jumps to the newest, losing what is still buffered | `ten_values_into_capacity_four_keep_the_last_four` |
//! | `skipped` worked out from gaps between values (assumes 0, 1, 2, ...) | `a_receiver_that_keeps_up_skips_nothing` |
//! | stops when the channel is closed, before draining what is buffered (`is_closed()`) | `values_still_buffered_when_the_sender_is_dropped_are_received` |
//! | `try_recv` in a loop with a `sleep` (late, and wakes up for nothing) | `consume_sleeps_while_nothing_is_sent`, `a_receiver_that_keeps_up_skips_nothing` |
//! | a quiet spell treated as the end (`timeout` around `recv`) | `consume_sleeps_while_nothing_is_sent` |
//! | receives in a spawned task: dropping `consume` leaves it running | `dropping_consume_leaves_nothing_behind` |
//! | every error skipped (`Err(_) => continue`): `Closed` comes back at once, forever (a spin that would stop the paused clock) | `ten_values_into_capacity_four_keep_the_last_four`, `a_receiver_that_falls_behind_mid_stream_catches_up` (`no_spin`) |

use kata_13_broadcast_lag::{Summary, consume};
use kata_support::{
    Rng, Stopwatch, Wakeups, assert_nothing_left_running, cancel_after, fmt_duration,
    for_each_seed, ms, no_blocking, no_hang, no_spin,
};
use tokio::sync::broadcast;
use tokio::time::{Instant, sleep_until};

#[tokio::test(start_paused = true)]
async fn ten_values_into_capacity_four_keep_the_last_four() {
    let (tx, rx) = broadcast::channel(4);
    for value in 0..10 {
        tx.send(value)
            .expect("the receiver exists: send must succeed");
    }
    drop(tx);

    let watch = Stopwatch::start();
    let what = "consume (ten values sent into capacity 4)";
    let summary = no_hang(what, no_spin(what, consume(rx))).await;
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
            at the first Err), or the receiver jumped past what was still buffered \
            (resubscribe); skipped: 0 means Lagged(n) was not counted, skipped: 1 that \
            it was counted as one lag instead of n values.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("capacity_four", format!("{summary:?}"));
    });
}

/// A seeded schedule: bursts of values sent at distinct odd instants, then
/// the sender dropped.
#[derive(Debug, Clone)]
struct Schedule {
    capacity: usize,
    bursts: Vec<(u64, Vec<u32>)>,
    drop_at: u64,
}

impl Schedule {
    /// `bursts` bursts of 0 to `2 × capacity + 2` values (so some fit and
    /// some overflow), at odd times; the sender is dropped after the last
    /// one, or at the same instant when `drop_with_last`.
    fn random(rng: &mut Rng, bursts: usize, longest: usize, drop_with_last: bool) -> Schedule {
        let capacity = rng.range(1, 12) as usize;
        let mut at = 0;
        let bursts: Vec<(u64, Vec<u32>)> = (0..bursts)
            .map(|_| {
                at += rng.odd_ms(3, 997);
                let len = rng.range(0, longest.min(2 * capacity.next_power_of_two() + 2) as u64);
                (at, random_values(rng, len as usize))
            })
            .collect();
        let drop_at = if drop_with_last {
            at
        } else {
            at + rng.odd_ms(1, 500)
        };
        Schedule {
            capacity,
            bursts,
            drop_at,
        }
    }

    /// What a receiver that never falls behind between bursts sees: of each
    /// burst, the last values the channel holds, and a lag for the rest.
    /// (tokio rounds a broadcast channel's capacity up to a power of two.)
    fn expected(&self) -> Summary {
        let holds = self.capacity.next_power_of_two();
        let mut summary = Summary::default();
        for (_, burst) in &self.bursts {
            let lost = burst.len().saturating_sub(holds);
            summary.skipped += lost as u64;
            summary.values.extend_from_slice(&burst[lost..]);
        }
        summary
    }

    /// Sends the bursts on schedule, in a task, then drops the sender.
    fn start(&self, tx: broadcast::Sender<u32>) -> tokio::task::JoinHandle<()> {
        let (bursts, drop_at) = (self.bursts.clone(), self.drop_at);
        let start = Instant::now();
        tokio::spawn(async move {
            for (at, burst) in bursts {
                sleep_until(start + ms(at)).await;
                for value in burst {
                    // Fails only if consume has dropped its receiver; the
                    // summary shows that.
                    let _ = tx.send(value);
                }
            }
            sleep_until(start + ms(drop_at)).await;
            drop(tx);
        })
    }

    fn describe(&self) -> String {
        let mut lines: Vec<String> = self
            .bursts
            .iter()
            .map(|(at, burst)| format!("  at {at}ms: {burst:?}"))
            .collect();
        lines.push(format!("  at {}ms: the sender is dropped", self.drop_at));
        format!(
            "broadcast::channel({}) (it holds {} values):\n{}",
            self.capacity,
            self.capacity.next_power_of_two(),
            lines.join("\n")
        )
    }

    /// Runs `consume` against the schedule and checks the summary and the
    /// time it returned at.
    async fn check(&self, what_it_checks: &str) {
        let (tx, rx) = broadcast::channel(self.capacity);
        let producer = self.start(tx);
        let watch = Stopwatch::start();
        let what = format!("consume ({what_it_checks})");
        let summary = no_hang(&what, no_blocking(&what, no_spin(&what, consume(rx)))).await;
        let returned_at = watch.elapsed();
        producer.await.expect("the test's producer panicked");
        let expected = self.expected();
        if summary != expected {
            panic!(
                "consume returned {summary:?}, expected {expected:?}.\n{}\nAfter each burst \
                 the receiver reads what the channel still holds: if a burst is longer than \
                 that, its first recv() is Err(Lagged(n)), n being how many values were \
                 overwritten, and then the values still held come. A lag is not the end: add \
                 n to skipped and keep receiving. Only Err(Closed) ends the loop, and it \
                 only comes once every value still held has been received.\n{}",
                self.describe(),
                diagnose(&summary, &expected)
            );
        }
        if returned_at != ms(self.drop_at) {
            panic!(
                "consume returned after {} of virtual time, expected exactly {}: the sender \
                 is dropped at {}ms, and recv() returns Err(Closed) at that very moment, once \
                 the values still held are received. Returning later means something waits \
                 on a timer instead of on recv().\n{}",
                fmt_duration(returned_at),
                fmt_duration(ms(self.drop_at)),
                self.drop_at,
                self.describe()
            );
        }
    }
}

/// `n` values, not consecutive, some repeated.
fn random_values(rng: &mut Rng, n: usize) -> Vec<u32> {
    let mut values: Vec<u32> = Vec::with_capacity(n);
    for _ in 0..n {
        if !values.is_empty() && rng.chance(1, 6) {
            let again = *rng.pick(&values);
            values.push(again);
        } else {
            values.push(rng.range(0, 999) as u32);
        }
    }
    values
}

/// What a wrong summary usually means.
fn diagnose(got: &Summary, expected: &Summary) -> &'static str {
    if got.values.len() < expected.values.len()
        && expected.values.starts_with(&got.values)
        && got.skipped <= expected.skipped
    {
        "The values stop early: the loop ended at a lag (or before the values still held \
         after the sender was dropped were received)."
    } else if got.values == expected.values && got.skipped == 0 {
        "The values are right and skipped is 0: Lagged(n) was not counted."
    } else if got.values == expected.values && got.skipped < expected.skipped {
        "The values are right and skipped is too small: every Lagged(n) adds n (not 1, and \
         not replacing what was counted before)."
    } else if got.values == expected.values {
        "The values are right and skipped is too large: count only what Lagged(n) reports."
    } else {
        "The values differ: keep every value recv() returns, in order, and after a lag just \
         call recv() again (the receiver has already been moved to the oldest value still \
         held; resubscribe() would skip those too)."
    }
}

#[tokio::test(start_paused = true)]
async fn a_receiver_that_falls_behind_mid_stream_catches_up() {
    for_each_seed(32, |mut rng| async move {
        let bursts = rng.range(1, 6) as usize;
        let drop_with_last = rng.chance(1, 4);
        let schedule = Schedule::random(&mut rng, bursts, usize::MAX, drop_with_last);
        schedule
            .check("bursts of values, some longer than the channel holds")
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_receiver_that_keeps_up_skips_nothing() {
    for_each_seed(16, |mut rng| async move {
        // One value at a time, at odd intervals: the receiver keeps up.
        let bursts = rng.range(2, 12) as usize;
        let mut schedule = Schedule::random(&mut rng, bursts, 1, false);
        for (_, burst) in schedule.bursts.iter_mut() {
            if burst.is_empty() {
                burst.push(rng.range(0, 999) as u32);
            }
        }
        schedule.check("one value at a time").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn two_receivers_at_once_count_their_own_lags() {
    // Two channels, two consumers at the same time: each summary is its own
    // receiver's, whatever the other one sees.
    for_each_seed(8, |mut rng| async move {
        let first = Schedule::random(&mut rng, 4, usize::MAX, false);
        let second = Schedule::random(&mut rng, 4, usize::MAX, false);
        tokio::join!(
            first.check("the first of two consumers running at the same time"),
            second.check("the second of two consumers running at the same time"),
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_long_stream_is_received_whole() {
    // Thousands of values, in bursts the channel can hold: every one of them
    // arrives, in order, none skipped.
    for_each_seed(2, |mut rng| async move {
        let capacity = rng.range(600, 1500) as usize;
        let holds = capacity.next_power_of_two();
        let mut at = 0;
        let mut bursts = Vec::new();
        let mut total = 0;
        while total < 5000 {
            at += rng.odd_ms(3, 97);
            let len = rng.range(1, holds as u64) as usize;
            total += len;
            bursts.push((at, random_values(&mut rng, len)));
        }
        let schedule = Schedule {
            capacity,
            drop_at: at + rng.odd_ms(1, 99),
            bursts,
        };
        schedule
            .check("a stream of more than 5000 values, no burst longer than the channel holds")
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn values_still_buffered_when_the_sender_is_dropped_are_received() {
    for_each_seed(16, |mut rng| async move {
        // The last burst and the sender's drop happen at the same instant:
        // when consume runs again, the channel is closed and still holds
        // values.
        let bursts = rng.range(1, 4) as usize;
        let mut schedule = Schedule::random(&mut rng, bursts, usize::MAX, true);
        if let Some((_, last)) = schedule.bursts.last_mut()
            && last.is_empty()
        {
            last.push(rng.range(0, 999) as u32);
        }
        schedule
            .check("the sender dropped right after its last burst")
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn consume_sleeps_while_nothing_is_sent() {
    for_each_seed(4, |mut rng| async move {
        let capacity = rng.range(1, 12) as usize;
        let (tx, rx) = broadcast::channel(capacity);
        let how_many = rng.range(1, capacity as u64) as usize;
        let first = random_values(&mut rng, how_many);
        for &value in &first {
            tx.send(value).expect("consume's receiver is alive");
        }
        let consuming = tokio::spawn(no_spin("consume", consume(rx)));

        // A long silence (hours), with the sender alive: nothing to do,
        // nothing may run, and it is not the end.
        let silence = rng.odd_ms(3_700_000, 20_000_000);
        Wakeups::assert_quiet_for(
            ms(silence),
            0,
            "consume waited for the next value (the sender alive, nothing sent)",
        )
        .await;

        let how_many = rng.range(1, capacity as u64) as usize;
        let later = random_values(&mut rng, how_many);
        for &value in &later {
            let _ = tx.send(value);
        }
        drop(tx);
        let summary = no_hang("consume, after a silence", consuming)
            .await
            .expect("consume panicked");
        let expected = Summary {
            values: first.iter().chain(&later).copied().collect(),
            skipped: 0,
        };
        assert_eq!(
            summary,
            expected,
            "{first:?} sent, {} of silence, then {later:?} and the sender dropped: \
             consume returned {summary:?}. A silence is not the end of the stream, however \
             long: only Err(Closed) is. Does it give up on a timeout?",
            fmt_duration(ms(silence))
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_consume_leaves_nothing_behind() {
    for_each_seed(4, |mut rng| async move {
        let (tx, rx) = broadcast::channel::<u32>(rng.range(1, 12) as usize);
        let value = rng.range(0, 999) as u32;
        tx.send(value).expect("consume's receiver is alive");
        let after = rng.odd_ms(3, 2999);
        let finished = cancel_after(ms(after), no_spin("consume", consume(rx))).await;
        assert!(
            finished.is_none(),
            "consume returned {finished:?} although the sender was still alive."
        );
        let receivers = tx.receiver_count();
        assert_eq!(
            receivers, 0,
            "consume's future was dropped after {after}ms (its caller gave up on it, as a \
             timeout would), but its receiver is still subscribed: something consume \
             started is still receiving. A task started with tokio::spawn runs on when \
             its JoinHandle is dropped: receive in consume itself."
        );
        assert_nothing_left_running(&format!("dropping consume after {after}ms"), ms(60_000)).await;
        drop(tx);
    })
    .await;
}
