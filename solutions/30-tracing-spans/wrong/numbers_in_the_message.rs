//! Wrong: `received` and `done` carry their numbers in the message (`info!("received items={}", n)`), not as fields: a fmt subscriber prints the very same line, but a subscriber sees no `items` or `total` field to filter or aggregate on.
//! Caught by: received_and_done_record_their_numbers_as_fields

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

#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    // The mistake: the numbers are formatted into the text.
    info!("received items={}", req.items.len());
    let mut fetches = JoinSet::new();
    for &item in &req.items {
        fetches.spawn(fetch_price(item).instrument(info_span!("fetch", item)));
    }
    let mut total = 0;
    while let Some(price) = fetches.join_next().await {
        total += price.expect("a fetch task panicked");
    }
    info!("done total={total}");
    total
}
