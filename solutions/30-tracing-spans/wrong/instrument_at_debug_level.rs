//! Wrong: puts the request span at the DEBUG level (`#[instrument(level = "debug", ..)]`), so under a subscriber that records INFO and above the span does not exist and no line carries the request.
//! Caught by: spawned_fetches_log_inside_the_request_span

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

// BUG: a DEBUG span is disabled by an INFO subscriber.
#[instrument(level = "debug", name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");
    let mut fetches = JoinSet::new();
    for &item in &req.items {
        fetches.spawn(fetch_price(item).instrument(info_span!("fetch", item)));
    }
    let mut total = 0;
    while let Some(price) = fetches.join_next().await {
        total += price.unwrap();
    }
    info!(total, "done");
    total
}
