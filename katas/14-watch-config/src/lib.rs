//! Kata 14: follow a config with a watch channel.
//!
//! A `watch` channel holds one value, the latest, plus a version number. A
//! `Receiver` is told when a version it has not seen arrives, and reads
//! whatever is newest at that moment: values that were overwritten before
//! it looked are gone, on purpose.
//!
//! Write `apply_updates`: apply the current config at once, then the latest
//! config after every change, until the `Sender` is dropped. Read README.md
//! first: it explains `changed()` and `borrow_and_update()`, and exactly what
//! the tests expect.

use tokio::sync::watch;

/// Follows the config in `rx` and returns every version it applied, in the
/// order it applied them.
///
/// - First, apply (push) the value the channel holds right now, and mark it
///   seen.
/// - Then, each time `rx` reports a change, apply the *latest* value, once.
/// - Return as soon as the `Sender` has been dropped.
///
/// No timers: wait for changes with `rx.changed().await`.
pub async fn apply_updates(rx: watch::Receiver<u32>) -> Vec<u32> {
    // Read with `borrow_and_update()` (it marks the value seen), copy the
    // u32 out, and wait with `changed()`, which returns `Err` once the
    // Sender is gone. You will need `mut rx` to call them.
    let _ = rx;
    todo!("apply the current config, then the latest one after every change")
}
