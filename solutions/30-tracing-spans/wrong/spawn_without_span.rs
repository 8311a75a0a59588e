//! Wrong: instruments handle_request but spawns the fetches without attaching a span to them, so everything the fetch tasks log is outside every span: the lines say "found price=200" with no request and no item.
//! Caught by: spawned_fetches_log_inside_the_request_span

use std::time::Duration;

use tracing::{info, instrument};

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
#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");
    // BUG: a spawned task does not inherit the current span.
    let fetches: Vec<_> = req
        .items
        .iter()
        .map(|&item| tokio::spawn(fetch_price(item)))
        .collect();
    let mut total = 0;
    for fetch in fetches {
        total += fetch.await.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
