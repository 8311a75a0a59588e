//! Must compile: a future that is `Send` but not `Sync` can be spawned.
//!
//! A `Cell` may move to another thread (`Send`) but not be shared between
//! threads (`!Sync`). A task is only ever polled by one thread at a time,
//! so tokio::spawn does not need `Sync`, and neither may spawn_named. If
//! this file does not compile, with "`Cell<u32>` cannot be shared between
//! threads safely", your bounds ask for `Sync` on the future: drop it.

use std::cell::Cell;

use kata_05_send_and_static::spawn_named;
use kata_support::{assert_no_leaked_tasks, ms, no_hang};

#[tokio::test(start_paused = true)]
async fn a_future_holding_a_cell_across_await_can_be_spawned() {
    let handle = spawn_named("counter", async {
        let count = Cell::new(0u32);
        for _ in 0..3 {
            count.set(count.get() + 1);
            tokio::time::sleep(ms(13)).await; // `count` is held across this .await
        }
        count.get()
    });
    let count = no_hang("the task holding a Cell", handle)
        .await
        .expect("the task holding a Cell panicked");
    assert_eq!(count, 3, "the counting task returned {count}, expected 3.");
    assert_no_leaked_tasks("the task finished").await;
}
