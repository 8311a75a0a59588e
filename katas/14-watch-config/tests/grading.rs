//! Grading tests for kata 14: follow a config with a watch channel.
//!
//! Every test runs on a paused clock: virtual time only moves when every
//! task is waiting for a timer. A reader that waits with `changed()` reacts
//! at the exact instant of a send and costs no virtual time; a reader that
//! polls on a timer shows up as time that should not have passed.

use kata_14_watch_config::apply_updates;
use kata_support::{ms, no_hang, Stopwatch};
use tokio::sync::watch;
use tokio::time::sleep_until;
use tokio_test::{assert_pending, assert_ready};

/// What a reader that waits on a timer, or re-applies a version, usually
/// looks like from the outside.
const HOW_TO_WAIT: &str = "Wait for the next version with `rx.changed().await`: it returns the \
     moment something new is sent (or at once if an unseen version is already there), and \
     `Err` as soon as the Sender is dropped. A loop that sleeps and then checks \
     `has_changed()` only notices changes (and the end of the channel) on its next tick.";

#[tokio::test(start_paused = true)]
async fn updates_sent_before_the_reader_runs_collapse_into_the_latest() {
    let (tx, rx) = watch::channel(0u32);
    for version in [1, 2, 3] {
        tx.send(version)
            .expect("the test's Receiver is alive, so this send cannot fail");
    }
    drop(tx);

    let watch = Stopwatch::start();
    let applied = no_hang(
        "apply_updates, with 1, 2, 3 sent and the Sender dropped beforehand",
        apply_updates(rx),
    )
    .await;

    assert_eq!(
        applied,
        vec![3],
        "the channel started at 0; then 1, 2 and 3 were sent and the Sender was dropped, \
         all before apply_updates ran. It returned {applied:?}, expected [3].\n\
         A watch channel keeps only the latest value: 1 and 2 were overwritten before \
         anyone looked, so they cannot be applied, and 3 must be applied exactly once. \
         [3, 3] means the first read used `borrow()`, which does not mark the value seen, \
         so `changed()` reported the same version again: read with `borrow_and_update()`."
    );
    watch.assert_elapsed(
        ms(0),
        "apply_updates, with every update already in the channel,",
        HOW_TO_WAIT,
    );
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
    let (tx, rx) = watch::channel(0u32);
    let watch = Stopwatch::start();
    let start = watch.started_at();

    // The writer: a burst of three versions at 100ms, one more at 250ms, and
    // the Sender dropped at 405ms. It runs beside the reader in the same task.
    let writer = async move {
        sleep_until(start + ms(100)).await;
        for version in [1, 2, 3] {
            // send_replace stores the value even if the reader has already
            // gone away; that is then reported below as a wrong result.
            tx.send_replace(version);
        }
        sleep_until(start + ms(250)).await;
        tx.send_replace(4);
        sleep_until(start + ms(405)).await;
        drop(tx);
    };
    let (applied, ()) = no_hang(
        "apply_updates, beside a writer that stops at 405ms",
        async { tokio::join!(apply_updates(rx), writer) },
    )
    .await;

    assert_eq!(
        applied,
        vec![0, 3, 4],
        "the channel started at 0; 1, 2 and 3 were sent together at 100ms, 4 at 250ms, and \
         the Sender was dropped at 405ms. apply_updates returned {applied:?}, expected \
         [0, 3, 4]: the starting value, then the latest value after each wake-up. The \
         burst at 100ms is one change from the reader's point of view: by the time it \
         runs, 3 has overwritten 1 and 2."
    );
    watch.assert_elapsed(
        ms(405),
        "apply_updates, with the Sender dropped at 405ms,",
        HOW_TO_WAIT,
    );
}

#[tokio::test(start_paused = true)]
async fn a_sender_dropped_without_sending_ends_the_reader() {
    let (tx, rx) = watch::channel(5u32);
    let watch = Stopwatch::start();
    let start = watch.started_at();
    let writer = async move {
        sleep_until(start + ms(300)).await;
        drop(tx);
    };
    let (applied, ()) = no_hang(
        "apply_updates, with the Sender dropped at 300ms without sending",
        async { tokio::join!(apply_updates(rx), writer) },
    )
    .await;

    assert_eq!(
        applied,
        vec![5],
        "the channel held 5 and the Sender was dropped at 300ms without sending anything. \
         apply_updates returned {applied:?}, expected [5]: the starting value is applied \
         once, and a dropped Sender is the end, not a change."
    );
    watch.assert_elapsed(
        ms(300),
        "apply_updates, with the Sender dropped at 300ms,",
        HOW_TO_WAIT,
    );
}
