//! Wrong: holds the `EnteredSpan` of `span.entered()` across `.await`; it is `!Send` (precisely because a span must not stay entered across a suspension), so the future of handle_request cannot be spawned: tokio::spawn would refuse it ("future cannot be sent between threads safely").
//! Caught by: handle_request_can_run_inside_tokio_spawn

use std::time::Duration;

use tracing::{info, info_span, Instrument};

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
pub async fn handle_request(req: Request) -> u32 {
    // BUG: an EnteredSpan held across `.await`.
    let _entered = info_span!("request", id = req.id, user = %req.user).entered();
    info!(items = req.items.len(), "received");
    let fetches: Vec<_> = req
        .items
        .iter()
        .map(|&item| tokio::spawn(fetch_price(item).instrument(info_span!("fetch", item))))
        .collect();
    let mut total = 0;
    for fetch in fetches {
        total += fetch.await.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
