//! `get_or_load` must be usable from any task, so its future must be `Send`:
//! `tokio::spawn` may move a task to another worker thread at any `.await`.
//!
//! This file is an ordinary test, but most of its checking is done by the
//! compiler. If it fails to *compile* with "future cannot be sent between
//! threads safely", your `get_or_load` keeps something that is not `Send`
//! alive across an `.await`: usually a `std::sync::MutexGuard`. The
//! compiler's notes point at the `.await` and at the value held across it.
//! End the guard's scope before the `.await` (put it in a `{ ... }` block,
//! or use it as a temporary within one statement): for this check the
//! compiler goes by scope, so calling `drop(guard)` is not enough.

use std::sync::Arc;

use kata_23_lock_across_await::Cache;
use kata_support::{assert_no_leaked_tasks, ms, no_hang};
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn get_or_load_runs_inside_tokio_spawn() {
    let cache = Arc::new(Cache::new(|key, _cache| {
        Box::pin(async move {
            sleep(ms(100)).await;
            key.len() as u32
        })
    }));

    let tasks: Vec<_> = ["one", "three"]
        .into_iter()
        .map(|key| {
            let cache = cache.clone();
            // Needs the future of `get_or_load` to be `Send`.
            tokio::spawn(async move { cache.get_or_load(key).await })
        })
        .collect();

    let mut values = Vec::new();
    for task in tasks {
        let value = no_hang("a spawned get_or_load", task)
            .await
            .expect("a spawned get_or_load panicked");
        values.push(value);
    }
    assert_eq!(
        values,
        [3, 5],
        "two spawned get_or_load calls returned {values:?}, expected [3, 5] (the lengths \
         of \"one\" and \"three\")."
    );
    assert_no_leaked_tasks("both spawned get_or_load calls finished").await;
}
