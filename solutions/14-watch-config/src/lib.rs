//! Kata 14: follow a config with a watch channel (reference solution).
//!
//! A watch channel is one slot plus a version number. The Sender overwrites
//! the slot and bumps the version; each Receiver remembers the last version
//! it has seen. That is all a config follower needs: "is there something I
//! have not seen?" (`changed`) and "what is it now?" (`borrow_and_update`).

use tokio::sync::watch;

/// Follows the config in `rx` and returns every version it applied, in the
/// order it applied them.
pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    // The config we start with: whatever the channel holds right now.
    // `borrow_and_update` marks this version as seen, so the `changed()`
    // below will not report it a second time. (`borrow()` would leave it
    // unseen: if it was sent after this Receiver was created, `changed()`
    // would return at once and we would apply it twice.)
    //
    // The `Ref` it returns holds the channel's read lock; `*` copies the
    // u32 out and the `Ref` is dropped at the end of the statement, long
    // before any `.await`. A `Ref` kept across an `.await` would block the
    // Sender for as long as we wait.
    let mut applied = vec![*rx.borrow_and_update()];

    // `changed()` registers this task with the channel and returns
    // `Pending`: no timer, no polling. The Sender's `send` wakes us at the
    // very instant it stores a new version. If several sends happened
    // before we ran, we wake once and see only the newest value: the
    // skipped ones were overwritten, which is the point of a watch channel.
    //
    // It returns `Err` once the Sender has been dropped and there is no
    // unseen version left. (An unseen version sent just before the drop is
    // still reported first, so the last config is never lost.)
    while rx.changed().await.is_ok() {
        applied.push(*rx.borrow_and_update());
    }
    applied
}
