//! Wrong: wraps every recv() in a 250ms timeout "so it can never hang", and just tries again when it fires: the values and times are right, but gather wakes up four times a second for as long as a fetch takes.
//! Caught by: gather_sleeps_while_the_fetches_are_pending

use std::time::Duration;

use std::sync::Arc;
use tokio::task::JoinSet;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(8);
    let mut tasks = JoinSet::new();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        tasks.spawn(async move {
            if let Some(value) = fetch(id).await {
                let _ = tx.send(value).await;
            }
        });
    }
    drop(tx);
    let mut values = Vec::new();
    loop {
        // The mistake: a timer that fires for nothing, over and over.
        match tokio::time::timeout(Duration::from_millis(250), rx.recv()).await {
            Ok(Some(value)) => values.push(value),
            Ok(None) => break,
            Err(_still_waiting) => continue,
        }
    }
    values
}
