//! A request handler runs in a task of its own (one per connection), so
//! the future of `handle_request` must be `Send`: `tokio::spawn` may move a
//! task to another worker thread at any `.await`.
//!
//! This file is an ordinary test, but most of its checking is done by the
//! compiler. If it fails to *compile* with "future cannot be sent between
//! threads safely", your `handle_request` keeps something that is not
//! `Send` alive across an `.await`: usually an `EnteredSpan`, the guard of
//! `span.entered()`, which is deliberately `!Send`. Holding an entered span
//! across an `.await` is the bug this kata is about; `#[instrument]` and
//! `.instrument(span)` do it right.

use kata_30_tracing_spans::{handle_request, Request};
use kata_support::{assert_no_leaked_tasks, no_hang};

#[tokio::test(start_paused = true)]
async fn handle_request_runs_inside_tokio_spawn() {
    let task = tokio::spawn(handle_request(Request {
        id: 9,
        user: "dee".to_string(),
        items: vec![1, 4],
    }));
    let total = no_hang("a spawned handle_request", task)
        .await
        .expect("a spawned handle_request panicked");
    assert_eq!(
        total, 500,
        "a spawned handle_request for items [1, 4] returned {total}, expected 500."
    );
    assert_no_leaked_tasks("the spawned handle_request finished").await;
}
