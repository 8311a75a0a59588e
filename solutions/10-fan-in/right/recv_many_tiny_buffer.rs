//! Right: a channel with room for a single value, tasks tracked by AbortHandles in a small drop guard, values received in batches with `recv_many`, the spawning done by a helper function.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc::{self, Sender};
use tokio::task::AbortHandle;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

struct Cancel(Vec<AbortHandle>);

impl Drop for Cancel {
    fn drop(&mut self) {
        self.0.iter().for_each(AbortHandle::abort);
    }
}

fn start(id: u32, fetch: &Fetcher, out: Sender<u32>) -> AbortHandle {
    let work = fetch(id);
    tokio::spawn(async move {
        if let Some(v) = work.await {
            out.send(v).await.ok();
        }
    })
    .abort_handle()
}

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(1);
    let _cancel = Cancel(
        ids.iter()
            .map(|&id| start(id, &fetch, tx.clone()))
            .collect(),
    );
    drop(tx);

    let mut out = Vec::new();
    let mut batch = Vec::with_capacity(16);
    while rx.recv_many(&mut batch, 16).await > 0 {
        out.append(&mut batch);
    }
    out
}
