//! Grading tests for kata 14: follow a config with a watch channel.
//!
//! Every test but one runs on a paused clock: virtual time only moves when
//! every task is waiting for a timer. A reader that waits with `changed()`
//! reacts at the exact instant of a send and costs no virtual time; a
//! reader that polls on a timer shows up as time that should not have
//! passed, and as wake-ups while nothing changes. Values and times are
//! generated from fixed seeds (a failure prints the seed and a command that
//! replays it); some values are sent twice, or are the value already there.
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | first read with `borrow()`, which does not mark it seen: applied twice | `updates_sent_before_the_reader_runs_collapse_into_the_latest` |
//! | the starting value not applied (waits for a change first) | `the_reader_follows_changes_as_they_happen` |
//! | a value equal to the current one treated as "no change" | `the_same_value_sent_again_is_applied_again` |
//! | `has_changed()` checked first: `Err` once the sender is gone, losing the last value | `a_value_sent_as_the_sender_is_dropped_is_applied` |
//! | `has_changed()` as a fast path before `changed()` (`Ok(true)`: read at once; `Err`: end) | none reliably: on one thread it behaves right (after `changed()` returns, nothing can be sent before the check); it loses the last value only when the last send and the drop of the Sender both land, on another thread, between its read and its `has_changed()` |
//! | the last value applied once more after the channel closed | `a_sender_dropped_without_sending_ends_the_reader` |
//! | polls on a timer (`sleep` + `has_changed()`): late, and wakes up for nothing | `updates_sent_before_the_reader_runs_collapse_into_the_latest`, `apply_updates_sleeps_while_nothing_changes` |
//! | a `timeout` around `changed()` "so it never hangs" | `apply_updates_sleeps_while_nothing_changes` |
//! | spins on `has_changed()` with `yield_now()` (never woken by a send; on the paused clock, time stands still) | `a_send_wakes_the_waiting_reader`, `the_reader_follows_changes_as_they_happen` (`no_spin`) |
//! | follows the channel in a spawned task: dropping `apply_updates` leaves it running | `dropping_apply_updates_leaves_nothing_behind` |
//! | `changed()` then `borrow()` (not `borrow_and_update()`): a version sent in between is applied twice | `a_fast_writer_on_another_thread_never_gets_a_version_applied_twice`, when the race happens: not reliably on a busy 2-core machine, so no known-wrong solution names it |
//! | the same version applied twice, or the last one missed, with a writer on another thread | `a_fast_writer_on_another_thread_never_gets_a_version_applied_twice` |

use kata_14_watch_config::apply_updates;
use kata_support::{
    Rng, Stopwatch, Wakeups, assert_nothing_left_running, cancel_after, fmt_duration,
    for_each_seed, ms, no_blocking, no_hang, no_spin, on_multi_thread,
};
use tokio::sync::watch;
use tokio::time::sleep_until;
use tokio_test::{assert_pending, assert_ready};

/// What a reader that waits on a timer, or re-applies a version, usually
/// looks like from the outside.
const HOW_TO_WAIT: &str = "Wait for the next version with `rx.changed().await`: it returns the \
     moment something new is sent (or at once if an unseen version is already there), and \
     `Err` as soon as the Sender is dropped. A loop that sleeps and then checks \
     `has_changed()` only notices changes (and the end of the channel) on its next tick.";

/// A seeded writer: bursts of sends at distinct odd instants (a burst is
/// several sends at the same instant), then the Sender dropped.
#[derive(Debug, Clone)]
struct Writer {
    initial: u32,
    bursts: Vec<(u64, Vec<u32>)>,
    drop_at: u64,
}

impl Writer {
    fn random(rng: &mut Rng, bursts: usize, drop_with_last: bool) -> Writer {
        let initial = rng.range(0, 99) as u32;
        let mut current = initial;
        let mut at = 0;
        let bursts = (0..bursts)
            .map(|_| {
                at += rng.odd_ms(3, 997);
                let burst: Vec<u32> = (0..rng.range(1, 4))
                    .map(|_| {
                        // Sometimes the value that is already there.
                        if rng.chance(1, 4) {
                            current
                        } else {
                            current = rng.range(0, 99) as u32;
                            current
                        }
                    })
                    .collect();
                (at, burst)
            })
            .collect();
        let drop_at = if drop_with_last {
            at
        } else {
            at + rng.odd_ms(1, 500)
        };
        Writer {
            initial,
            bursts,
            drop_at,
        }
    }

    /// The starting value, then the last value of each burst.
    fn expected(&self) -> Vec<u32> {
        std::iter::once(self.initial)
            .chain(
                self.bursts
                    .iter()
                    .filter_map(|(_, burst)| burst.last().copied()),
            )
            .collect()
    }

    fn describe(&self) -> String {
        let mut lines = vec![format!("  the channel starts at {}", self.initial)];
        for (at, burst) in &self.bursts {
            lines.push(format!("  at {at}ms: {burst:?} sent"));
        }
        lines.push(format!("  at {}ms: the Sender is dropped", self.drop_at));
        lines.join("\n")
    }

    /// Runs `apply_updates` beside the writer, and checks what it applied and
    /// when it returned.
    async fn check(&self, what: &str, meaning: &str) {
        let (tx, rx) = watch::channel(self.initial);
        let watch = Stopwatch::start();
        let start = watch.started_at();
        let (bursts, drop_at) = (self.bursts.clone(), self.drop_at);
        let writer = tokio::spawn(async move {
            for (at, burst) in bursts {
                sleep_until(start + ms(at)).await;
                for value in burst {
                    // send_replace stores the value even if the reader has
                    // already gone away; that is then reported as a wrong
                    // result.
                    tx.send_replace(value);
                }
            }
            sleep_until(start + ms(drop_at)).await;
            drop(tx);
        });
        let what = format!("apply_updates ({what})");
        let applied = no_hang(&what, no_blocking(&what, no_spin(&what, apply_updates(rx)))).await;
        let returned_at = watch.elapsed();
        writer.await.expect("the test's writer panicked");
        let expected = self.expected();
        assert_eq!(
            applied,
            expected,
            "apply_updates returned {applied:?}, expected {expected:?}.\n{}\nApply the \
             starting value at once, then, each time the reader wakes up, the latest value \
             (a burst of sends at one instant is one change from the reader's point of view: \
             by the time it runs, the last one has overwritten the others).\n{meaning}",
            self.describe()
        );
        assert_eq!(
            returned_at,
            ms(self.drop_at),
            "apply_updates returned after {} of virtual time, expected exactly {}: the \
             Sender is dropped at {}ms.\n{}\n{HOW_TO_WAIT}",
            fmt_duration(returned_at),
            fmt_duration(ms(self.drop_at)),
            self.drop_at,
            self.describe()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn updates_sent_before_the_reader_runs_collapse_into_the_latest() {
    for_each_seed(8, |mut rng| async move {
        let initial = rng.range(0, 99) as u32;
        let (tx, rx) = watch::channel(initial);
        let sent: Vec<u32> = (0..rng.range(1, 5))
            .map(|_| rng.range(0, 99) as u32)
            .collect();
        for &version in &sent {
            tx.send(version)
                .expect("the test's Receiver is alive, so this send cannot fail");
        }
        drop(tx);
        let last = *sent.last().unwrap();

        let watch = Stopwatch::start();
        let what = "apply_updates, with every update sent and the Sender dropped beforehand";
        let applied = no_hang(what, no_spin(what, apply_updates(rx))).await;

        assert_eq!(
            applied,
            vec![last],
            "the channel started at {initial}; then {sent:?} were sent and the Sender was \
             dropped, all before apply_updates ran. It returned {applied:?}, expected \
             [{last}].\nA watch channel keeps only the latest value: the others were \
             overwritten before anyone looked, so they cannot be applied, and {last} must be \
             applied exactly once. [{last}, {last}] means the first read used `borrow()`, \
             which does not mark the value seen, so `changed()` reported the same version \
             again: read with `borrow_and_update()`."
        );
        watch.assert_elapsed(
            ms(0),
            "apply_updates, with every update already in the channel,",
            HOW_TO_WAIT,
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_send_wakes_the_waiting_reader() {
    let (tx, rx) = watch::channel(7u32);
    // Poll the reader by hand: `tokio_test::task` records whether the task
    // was woken, which is exactly what a `send` must do to a waiting reader.
    let mut reader = tokio_test::task::spawn(apply_updates(rx));

    assert_pending!(
        reader.poll(),
        "apply_updates returned although the Sender is still alive: it must keep \
         following the config until the Sender is dropped."
    );

    tx.send(8)
        .expect("the reader's Receiver is alive, so this send cannot fail");
    assert!(
        reader.is_woken(),
        "8 was sent, but the task running apply_updates was not woken: it is not waiting \
         on the channel. A reader that sleeps on a timer, or spins with `yield_now()`, \
         only finds the change when it happens to look again. Await `rx.changed()`: the \
         send itself wakes it."
    );
    assert_pending!(
        reader.poll(),
        "apply_updates returned after 8 was sent, although the Sender is still alive."
    );

    drop(tx);
    assert!(
        reader.is_woken(),
        "the Sender was dropped, but the task running apply_updates was not woken. \
         `rx.changed()` wakes up and returns `Err` when the Sender goes away."
    );
    let applied = assert_ready!(
        reader.poll(),
        "the Sender was dropped, so apply_updates should have returned, but it is still \
         pending. Stop when `rx.changed()` returns `Err`."
    );
    assert_eq!(
        applied,
        vec![7, 8],
        "the channel held 7 when apply_updates started, then 8 was sent, then the Sender \
         was dropped. It returned {applied:?}, expected [7, 8]: the value at the start is \
         applied at once, then every new version once."
    );
}

#[tokio::test(start_paused = true)]
async fn the_reader_follows_changes_as_they_happen() {
    for_each_seed(32, |mut rng| async move {
        let bursts = rng.range(1, 6) as usize;
        let drop_with_last = rng.chance(1, 4);
        let writer = Writer::random(&mut rng, bursts, drop_with_last);
        writer
            .check(
                "beside a writer",
                "A reader that skips the starting value waits for a change first; one \
                 that returns late is waiting on a timer.",
            )
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_sender_dropped_without_sending_ends_the_reader() {
    for_each_seed(8, |mut rng| async move {
        let mut writer = Writer::random(&mut rng, 0, false);
        writer.drop_at = rng.odd_ms(3, 2999);
        writer
            .check(
                "the Sender dropped without sending",
                "The starting value is applied once, and a dropped Sender is the end, not a \
                 change: when `changed()` returns Err, return what was applied, without \
                 applying the current value again.",
            )
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_value_sent_as_the_sender_is_dropped_is_applied() {
    for_each_seed(8, |mut rng| async move {
        let bursts = rng.range(1, 4) as usize;
        let writer = Writer::random(&mut rng, bursts, true);
        writer
            .check(
                "the last value sent at the instant the Sender is dropped",
                "When the Sender sends one last value and is dropped at once, the reader \
                 wakes up to a closed channel that still holds a version it has not seen. \
                 `changed()` reports that version first (Ok), and Err only after: the last \
                 config is never lost. `has_changed()` returns Err as soon as the Sender is \
                 gone, unseen version or not, so a loop that asks it first stops too early.",
            )
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_same_value_sent_again_is_applied_again() {
    for_each_seed(8, |mut rng| async move {
        let bursts = rng.range(2, 5) as usize;
        let mut writer = Writer::random(&mut rng, bursts, false);
        // Every burst sends the value that is already there.
        let initial = writer.initial;
        for (_, burst) in writer.bursts.iter_mut() {
            *burst = vec![initial];
        }
        writer
            .check(
                "the value already there, sent again",
                "Every send is a new version, even of the same value (a config reloaded \
                 from disk unchanged is still a reload): changed() reports it, and it is \
                 applied. Comparing with the last value applied, and skipping equal ones, \
                 is not what a watch channel reports.",
            )
            .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn apply_updates_sleeps_while_nothing_changes() {
    for_each_seed(4, |mut rng| async move {
        let initial = rng.range(0, 99) as u32;
        let (tx, rx) = watch::channel(initial);
        let reading = tokio::spawn(no_spin("apply_updates", apply_updates(rx)));

        // Hours without a change: a config that stays the same is still
        // followed, and following it costs nothing.
        let quiet = rng.odd_ms(3_700_000, 20_000_000);
        Wakeups::assert_quiet_for(
            ms(quiet),
            0,
            "apply_updates waited for a change (the Sender alive, nothing sent)",
        )
        .await;

        let next = rng.range(0, 99) as u32;
        tx.send_replace(next);
        drop(tx);
        let watch = Stopwatch::start();
        let applied = no_hang("apply_updates, after hours without a change", reading)
            .await
            .expect("apply_updates panicked");
        watch.assert_elapsed(
            ms(0),
            "apply_updates, after the Sender was dropped,",
            HOW_TO_WAIT,
        );
        assert_eq!(
            applied,
            vec![initial, next],
            "the channel held {initial}, nothing happened for {}, then {next} was sent and the \
             Sender dropped: apply_updates returned {applied:?}. Waiting for a change has no \
             time limit: only the Sender being dropped ends it.",
            fmt_duration(ms(quiet))
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_apply_updates_leaves_nothing_behind() {
    for_each_seed(4, |mut rng| async move {
        let (tx, rx) = watch::channel(rng.range(0, 99) as u32);
        let after = rng.odd_ms(3, 2999);
        let finished = cancel_after(ms(after), no_spin("apply_updates", apply_updates(rx))).await;
        assert!(
            finished.is_none(),
            "apply_updates returned {finished:?} although the Sender was still alive."
        );
        let receivers = tx.receiver_count();
        assert_eq!(
            receivers, 0,
            "apply_updates' future was dropped after {after}ms (its caller gave up on it, as \
             a timeout would), but its Receiver is still alive: something it started is \
             still following the channel. A task started with tokio::spawn runs on when its \
             JoinHandle is dropped: follow the channel in apply_updates itself."
        );
        assert_nothing_left_running(
            &format!("dropping apply_updates after {after}ms"),
            ms(60_000),
        )
        .await;
        drop(tx);
    })
    .await;
}

#[test]
fn a_fast_writer_on_another_thread_never_gets_a_version_applied_twice() {
    on_multi_thread(
        1,
        2,
        "apply_updates with a writer sending as fast as it can on another thread",
        |_run| async move {
            // Many versions, so that the writer and the reader really run at
            // the same time for a while.
            const LAST: u32 = 120_000;
            let (tx, rx) = watch::channel(0u32);
            let reader = tokio::spawn(apply_updates(rx));
            // A plain thread: it runs beside the runtime's workers for sure.
            let writer = std::thread::spawn(move || {
                for version in 1..=LAST {
                    tx.send_replace(version);
                }
                LAST
            });
            let last = tokio::task::spawn_blocking(move || writer.join())
                .await
                .expect("the test's writer thread")
                .expect("the test's writer panicked");
            let applied = reader.await.expect("apply_updates panicked");
            let repeated: Vec<u32> = applied
                .windows(2)
                .filter(|pair| pair[0] >= pair[1])
                .map(|pair| pair[1])
                .collect();
            assert!(
                repeated.is_empty(),
                "a writer sent 1, 2, 3, ... {last} (each a new version) while apply_updates \
                 followed the channel, on a multi-thread runtime: it applied {repeated:?} \
                 more than once or out of order. Read with borrow_and_update() after \
                 changed(): it reads the value and marks that very version seen, in one \
                 step. changed() then borrow() marks one version seen and reads a newer one, \
                 which changed() reports again."
            );
            assert_eq!(
                applied.last(),
                Some(&last),
                "a writer sent 1 to {last} and was dropped, but the last value apply_updates \
                 applied was {:?}: the last config must never be lost.",
                applied.last()
            );
        },
    );
}

#[test]
fn short_bursts_from_another_thread_are_each_applied_once_and_the_last_never_lost() {
    // Many short histories, each ending with the Sender dropped, written by
    // a blocking-pool thread with uneven pauses between sends: a send that
    // lands between the reader's `changed()` and its read (or between a read
    // and a separate "mark as seen") happens in some of them.
    on_multi_thread(
        1,
        2,
        "apply_updates against short bursts written on another thread",
        |_run| async move {
            let mut jitter: u32 = 0x9e37_79b9;
            for round in 0..600u32 {
                let last = 1 + round % 23;
                let (tx, rx) = watch::channel(0u32);
                let reader = tokio::spawn(apply_updates(rx));
                jitter = jitter.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let mut pauses = jitter;
                tokio::task::spawn_blocking(move || {
                    for version in 1..=last {
                        tx.send_replace(version);
                        pauses = pauses.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        for _ in 0..(pauses >> 23) {
                            std::hint::spin_loop();
                        }
                    }
                })
                .await
                .expect("the test's writer panicked");
                let applied = reader.await.expect("apply_updates panicked");
                let repeated: Vec<u32> = applied
                    .windows(2)
                    .filter(|pair| pair[0] >= pair[1])
                    .map(|pair| pair[1])
                    .collect();
                assert!(
                    repeated.is_empty() && applied.last() == Some(&last),
                    "a writer on another thread sent 1, 2, ... {last} (each a new version) and \
                     dropped the Sender; apply_updates applied {applied:?}: {}",
                    if repeated.is_empty() {
                        "the last value was lost. Read and mark a version seen in one step, \
                         with borrow_and_update(): a borrow() followed by mark_unchanged() \
                         marks seen a version that arrived in between without reading it."
                    } else {
                        "a version was applied twice. Read with borrow_and_update() after \
                         changed(): changed() then borrow() reads a newer version than the \
                         one it marked seen, and changed() reports that one again."
                    }
                );
            }
        },
    );
}
