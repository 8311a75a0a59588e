//! A registry is shared by tasks that `tokio::spawn` may run on any thread,
//! so the futures of `lookup` and `register` must be `Send`.
//!
//! This file is an ordinary test, but most of its checking is done by the
//! compiler. If it fails to *compile* with "future cannot be sent between
//! threads safely", your `lookup` keeps something that is not `Send` alive
//! across an `.await`: usually a `std::sync::RwLockReadGuard` (or a
//! `std::sync::MutexGuard`) held during the health check. A guard that must
//! be held across an `.await` has to come from `tokio::sync`, whose guards
//! are `Send` and whose waiters yield instead of blocking the thread.

use std::sync::Arc;

use kata_24_rwlock_readers::Registry;
use kata_support::{assert_no_leaked_tasks, no_hang};

#[tokio::test(start_paused = true)]
async fn lookup_and_register_run_inside_tokio_spawn() {
    let registry = Arc::new(Registry::new());
    let register = tokio::spawn({
        let registry = registry.clone();
        async move { registry.register("queue", "10.0.0.9").await }
    });
    let previous = no_hang("a spawned register", register)
        .await
        .expect("a spawned register panicked");
    let lookup = tokio::spawn({
        let registry = registry.clone();
        async move { registry.lookup("queue").await }
    });
    let found = no_hang("a spawned lookup", lookup)
        .await
        .expect("a spawned lookup panicked");
    assert_eq!(
        (previous.as_deref(), found.as_deref()),
        (None, Some("10.0.0.9")),
        "a spawned register(\"queue\", \"10.0.0.9\") returned {previous:?} and a spawned \
         lookup(\"queue\") then returned {found:?}, expected None and Some(\"10.0.0.9\")."
    );
    assert_no_leaked_tasks("both spawned tasks finished").await;
}
