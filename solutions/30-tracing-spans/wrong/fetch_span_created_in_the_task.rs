//! Wrong: creates each fetch span inside the spawned task, where no span is current, so the fetch span has no parent: its lines read `fetch{item=2}: found price=200`, without the request.
//! Caught by: spawned_fetches_log_inside_the_request_span

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
#[instrument(name = "request", skip_all, fields(id = req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    info!(items = req.items.len(), "received");
    let fetches: Vec<_> = req
        .items
        .iter()
        .map(|&item| {
            tokio::spawn(async move {
                // BUG: created when the task first runs, outside the
                // request span: this span has no parent.
                let span = info_span!("fetch", item);
                fetch_price(item).instrument(span).await
            })
        })
        .collect();
    let mut total = 0;
    for fetch in fetches {
        total += fetch.await.expect("a fetch task panicked");
    }
    info!(total, "done");
    total
}
