//! Right: #[instrument] with `skip(req)` and Display fields, a helper that spawns one fetch into the set (the span is created in the helper, called while the request span is current), and a `loop` over `join_next` with a match.

use std::time::Duration;

use tokio::task::JoinSet;
use tracing::{info, instrument, span, Instrument, Level};

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

fn start_fetch(set: &mut JoinSet<u32>, item: u32) {
    let fetch = span!(Level::INFO, "fetch", item = item);
    set.spawn(async move { fetch_price(item).await }.instrument(fetch));
}

#[instrument(name = "request", skip(req), fields(id = %req.id, user = %req.user))]
pub async fn handle_request(req: Request) -> u32 {
    let count = req.items.len();
    info!(items = count, "received");
    let mut running = JoinSet::new();
    req.items
        .iter()
        .for_each(|item| start_fetch(&mut running, *item));
    let mut total = 0;
    loop {
        match running.join_next().await {
            Some(Ok(price)) => total += price,
            Some(Err(e)) => panic!("a fetch failed: {e}"),
            None => break,
        }
    }
    info!(total, "done");
    total
}
