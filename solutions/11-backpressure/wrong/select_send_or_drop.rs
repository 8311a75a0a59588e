//! Wrong: lossy_send races send(..) against a future that is ready at once, in a biased select!: it works until a task has used up tokio's cooperative budget, after which send is made to return Pending with room to spare, and the value is dropped for nothing.
//! Caught by: lossy_send_delivers_a_burst_longer_than_the_coop_budget

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // The mistake: "send, unless it would wait" is not what this asks when
    // the runtime decides the task has run long enough.
    tokio::select! {
        biased;
        sent = tx.send(v) => {
            if sent.is_err() {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        _ = std::future::ready(()) => {
            dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
