//! Must compile: a future that is not `Unpin` can be spawned.
//!
//! An `async` block is a state machine that may point into itself (a
//! borrow of one of its own locals, held across an `.await`), so it must not
//! move once polled: `async` blocks are never `Unpin`. Neither is a tokio
//! `Sleep`. tokio::spawn pins the future
//! itself (in a heap allocation), so it does not ask for `Unpin`, and
//! neither may spawn_named. If this file does not compile, with "cannot be
//! unpinned", your bounds ask for `Unpin`: drop it.

use kata_05_send_and_static::spawn_named;
use kata_support::{assert_no_leaked_tasks, ms, no_hang};

#[tokio::test(start_paused = true)]
async fn a_future_that_must_stay_pinned_can_be_spawned() {
    let handle = spawn_named("pinned", async {
        let label = String::from("done");
        let borrowed = &label; // a borrow of the block's own local...
        tokio::time::sleep(ms(11)).await; // ...held across an .await
        borrowed.clone()
    });
    let output = no_hang("the task that is not Unpin", handle)
        .await
        .expect("the task that is not Unpin panicked");
    assert_eq!(output, "done");
    assert_no_leaked_tasks("the task finished").await;
}
