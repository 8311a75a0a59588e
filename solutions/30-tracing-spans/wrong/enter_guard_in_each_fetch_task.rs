//! Wrong: enters each fetch span inside its task with `span.enter()` and holds the guard across the fetch's `.await`, so while one fetch waits its span stays entered on the thread and another fetch's line is logged inside it.
//! Caught by: concurrent_requests_keep_their_spans_apart, many_requests_at_once_keep_their_spans_apart

use std::time::Duration;

use tokio::task::JoinSet;
use tracing::{info, info_span, instrument};

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
    let mut fetches = JoinSet::new();
    for &item in &req.items {
        let span = info_span!("fetch", item);
        fetches.spawn(async move {
            // BUG: the guard keeps the span entered while the task waits.
            let _entered = span.enter();
            fetch_price(item).await
        });
    }
    let mut total = 0;
    while let Some(price) = fetches.join_next().await {
        total += price.unwrap();
    }
    info!(total, "done");
    total
}
