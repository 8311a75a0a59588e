//! Wrong: caps the fetches of one request at 8 at a time with a semaphore ("be nice to the price service"); requests of up to 8 items behave exactly the same, larger ones take longer.
//! Caught by: every_fetch_runs_at_once_however_many_items

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
use std::sync::Arc;

use tokio::sync::Semaphore;

/// How many prices one request may look up at once.
const MAX_CONCURRENT_FETCHES: usize = 8;

#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_FETCHES));
    let mut fetches = JoinSet::new();
    for &item in &req.items {
        let permits = Arc::clone(&permits);
        let span = info_span!("fetch", item);
        fetches.spawn(
            async move {
                let _permit = permits.acquire_owned().await.expect("never closed");
                fetch_price(item).await
            }
            .instrument(span),
        );
    }
    let mut total = 0;
    while let Some(price) = fetches.join_next().await {
        total += price.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
