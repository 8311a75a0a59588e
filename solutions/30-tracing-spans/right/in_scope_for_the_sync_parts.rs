//! Right: the request span is entered only around the synchronous parts, with `Span::in_scope` (never across an .await); the fetches go into a JoinSet and are summed with `join_all`.

use std::time::Duration;

use tokio::task::JoinSet;
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

pub async fn handle_request(req: Request) -> u32 {
    let span = info_span!("request", id = req.id, user = %req.user);
    let mut set = JoinSet::new();
    span.in_scope(|| {
        info!(items = req.items.len(), "received");
        for &item in &req.items {
            // Created while the request span is entered: it is the parent.
            let fetch = info_span!("fetch", item);
            set.spawn(fetch_price(item).instrument(fetch));
        }
    });
    let prices = set.join_all().await;
    let total: u32 = prices.iter().sum();
    span.in_scope(|| info!(total, "done"));
    total
}
