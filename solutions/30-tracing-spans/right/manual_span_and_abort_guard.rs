//! Right: no #[instrument]: the request span is built by hand and attached to an inner async block; fetch spans name their parent explicitly, the tasks come from tokio::spawn and a guard aborts them if the request is dropped.

use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::{info, info_span, Instrument, Span};

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

/// Aborts the tasks it holds when it is dropped.
struct Fetches(Vec<JoinHandle<u32>>);

impl Drop for Fetches {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

fn fetch_span(parent: &Span, item: u32) -> Span {
    info_span!(parent: parent, "fetch", item = item)
}

pub async fn handle_request(req: Request) -> u32 {
    let request_span = info_span!("request", id = req.id, user = %req.user);
    let inner = request_span.clone();
    async move {
        info!(items = req.items.len(), "received");
        let mut fetches = Fetches(Vec::new());
        for item in req.items.iter().copied() {
            let span = fetch_span(&inner, item);
            fetches
                .0
                .push(tokio::spawn(fetch_price(item).instrument(span)));
        }
        let mut total = 0u32;
        for task in fetches.0.iter_mut() {
            total += task.await.expect("fetch task failed");
        }
        info!(total, "done");
        total
    }
    .instrument(request_span)
    .await
}
