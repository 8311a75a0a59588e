//! Kata 30: tracing spans across `.await` and spawned tasks (reference
//! solution).
//!
//! A span is "current" for whatever code runs while it is entered. In
//! synchronous code that is a scope. In async code a task runs in slices,
//! one per poll, with other tasks' slices in between on the same thread, so
//! the span must be entered at the start of every poll of *this* future and
//! exited at the end of it. That is exactly what `#[instrument]` and
//! `Future::instrument(span)` do, and what a `span.enter()` guard held
//! across an `.await` does not.

use std::time::Duration;

use tokio::task::JoinSet;
use tracing::{info, info_span, instrument, Instrument};

/// One request: who asks, and for which items.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: u64,
    pub user: String,
    pub items: Vec<u32>,
}

/// Looks up the price of one item: takes `item` × 10ms, and logs
/// `looking up` and then `found price=…`.
pub async fn fetch_price(item: u32) -> u32 {
    info!("looking up");
    tokio::time::sleep(Duration::from_millis(u64::from(item) * 10)).await;
    let price = item * 100;
    info!(price, "found");
    price
}

/// Handles one request and returns the total price of its items.
//
// `#[instrument]` wraps the body's future in the span, so the span is
// entered on every poll and exited whenever the future returns `Pending`:
// while this request waits for its fetches, another request running on the
// same thread is *not* inside our span. `skip_all` keeps the arguments out
// of the span (by default every argument is recorded with `Debug`), and
// `fields` records just what we want; `%` records the user with `Display`.
#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");

    // A JoinSet owns the fetch tasks: if this request's future is dropped
    // (its client hung up, a timeout around it), the set is dropped with it
    // and aborts every fetch still running. A bare `tokio::spawn` would
    // leave them running, detached, logging for a request nobody waits for.
    let mut fetches = JoinSet::new();
    for &item in &req.items {
        // A spawned task starts with no current span: the runtime polls it
        // from its own loop, not from inside our future. So the span
        // travels with the future. It is created *here*, where the request
        // span is current, which makes it the request span's child: its
        // lines read `request{..}:fetch{item=2}: ...`.
        let span = info_span!("fetch", item);
        fetches.spawn(fetch_price(item).instrument(span));
    }

    // Every fetch was spawned before the first of these awaits, so they all
    // run at the same time. The total does not depend on the order they
    // finish in.
    let mut total = 0;
    while let Some(price) = fetches.join_next().await {
        total += price.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
