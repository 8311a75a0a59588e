//! Wrong: `#[instrument(name = "request")]` without `skip_all`/`fields`, so the span records the whole request with Debug (`request{req=Request { id: 7, .. }}`) instead of just its id and user.
//! Caught by: one_request_logs_every_line_inside_its_span

use std::time::Duration;

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
// BUG: every argument is recorded, with Debug.
#[instrument(name = "request")]
pub async fn handle_request(req: Request) -> u32 {
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
