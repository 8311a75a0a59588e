//! Wrong: returns 0 right after logging `received` when the request has no items ("nothing to price"), so an empty request never logs `done total=0`.
//! Caught by: an_empty_request_logs_received_and_done

use std::time::Duration;

#[allow(unused_imports)]
use tokio::task::JoinSet;
#[allow(unused_imports)]
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

#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");
    if req.items.is_empty() {
        // Nothing to price.
        return 0;
    }
    let mut fetches = JoinSet::new();
    for &item in &req.items {
        fetches.spawn(fetch_price(item).instrument(info_span!("fetch", item)));
    }
    let mut total = 0;
    while let Some(price) = fetches.join_next().await {
        total += price.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
