//! Kata 30: tracing spans across `.await` and spawned tasks.
//!
//! A log line that says "found price=200" is useless when a server handles
//! a thousand requests at once: which request? `tracing` answers with
//! *spans*: every event logged while a span is current is printed with it,
//! `request{id=7 user=ann}:fetch{item=2}: found price=200`.
//!
//! Write `handle_request` so that everything it logs, and everything the
//! tasks it spawns log, carries the right spans. README.md shows the exact
//! log it must produce, and the one way of entering a span that breaks in
//! async code.

use std::time::Duration;

// You will need some of these (and `tracing::instrument` or `info_span!`).
#[allow(unused_imports)]
use tokio::task::JoinSet;
#[allow(unused_imports)]
use tracing::{Instrument, info, info_span, instrument};

/// One request: who asks, and for which items.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: u64,
    pub user: String,
    pub items: Vec<u32>,
}

/// Looks up the price of one item: takes `item` × 10ms, and logs
/// `looking up` and then `found price=…`.
///
/// Given to you: do not change it. It logs without naming the item or the
/// request: it relies on the spans it runs in to say which.
pub async fn fetch_price(item: u32) -> u32 {
    info!("looking up");
    tokio::time::sleep(Duration::from_millis(u64::from(item) * 10)).await;
    let price = item * 100;
    info!(price, "found");
    price
}

/// Handles one request and returns the total price of its items.
///
/// - Everything happens inside a span named `request` with the fields
///   `id` and `user` (the user by Display: `user=ann`, not `user="ann"`),
///   and no other field.
/// - Logs `received` with the field `items` (how many items).
/// - Spawns one task per item running `fetch_price(item)` inside a span
///   named `fetch` with the field `item`, a child of the request span. The
///   fetches run at the same time.
/// - Awaits them all, then logs `done` with the field `total`, and returns
///   the total.
/// - If the request's future is dropped before it is done (its client hung
///   up), its fetches stop too: spawn them into a `tokio::task::JoinSet`,
///   which aborts its tasks when it is dropped.
pub async fn handle_request(req: Request) -> u32 {
    // The span must be current whenever this function runs, and only then:
    // `#[instrument(..)]` on the function, or `.instrument(span)` on its
    // future. Never hold a `span.enter()` guard across an `.await`.
    let _ = &req;
    todo!("log inside a `request` span; spawn the fetches inside `fetch` spans")
}
