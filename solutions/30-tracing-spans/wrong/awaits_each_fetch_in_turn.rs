//! Wrong: spawns each fetch and awaits it before spawning the next, so the fetches run one after the other: a request takes the sum of its fetch times, not the longest.
//! Caught by: the_fetches_run_at_the_same_time

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
    info!(items = req.items.len(), "received");
    let mut total = 0;
    for &item in &req.items {
        let mut fetch = JoinSet::new();
        fetch.spawn(fetch_price(item).instrument(info_span!("fetch", item)));
        // BUG: waiting here before spawning the next fetch.
        while let Some(price) = fetch.join_next().await {
            total += price.expect("the fetch panicked");
        }
    }
    info!(total, "done");
    total
}
