//! Wrong: spawns the fetches with a bare `tokio::spawn` and keeps the JoinHandles in a Vec, so when the request's future is dropped (its client hung up) the handles are dropped too, which only detaches the tasks: the fetches keep running and logging.
//! Caught by: dropping_a_request_cancels_its_fetches

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

#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");
    // BUG: these tasks are detached if this future is dropped.
    let handles: Vec<_> = req
        .items
        .iter()
        .map(|&item| tokio::spawn(fetch_price(item).instrument(info_span!("fetch", item))))
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
