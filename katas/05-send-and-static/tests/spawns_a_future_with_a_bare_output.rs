//! Must compile: a future whose output implements nothing but `Send` can
//! be spawned.
//!
//! The output of a task travels back through its JoinHandle, so it must be
//! `Send + 'static`, and that is all. The output here is not `Debug`,
//! `Clone`, `Default` or `PartialEq`, not `Sync` (it holds a `Cell`) and
//! not `Unpin` (it holds a `PhantomPinned`). If this file does not compile,
//! your bounds ask more of `F::Output` than tokio::spawn does (the error
//! names the trait): drop that bound. (Printing the output with `{:?}`
//! inside spawn_named, for instance, needs `Debug`.)

use std::cell::Cell;
use std::marker::PhantomPinned;

use kata_05_send_and_static::spawn_named;
use kata_support::{assert_no_leaked_tasks, ms, no_hang};

/// A result type with no traits but the automatic `Send`.
struct Reading {
    celsius: Cell<i32>,
    _pinned: PhantomPinned,
}

#[tokio::test(start_paused = true)]
async fn a_future_whose_output_is_only_send_can_be_spawned() {
    let handle = spawn_named("thermometer", async {
        tokio::time::sleep(ms(17)).await;
        Reading {
            celsius: Cell::new(21),
            _pinned: PhantomPinned,
        }
    });
    let reading = no_hang("the task returning a bare Reading", handle)
        .await
        .expect("the task returning a bare Reading panicked");
    assert_eq!(
        reading.celsius.get(),
        21,
        "the task returned a reading of {}, expected 21.",
        reading.celsius.get()
    );
    assert_no_leaked_tasks("the task finished").await;
}
