//! Wrong: a `std::thread::spawn` per hash (with a semaphore permit moved in and the result sent back on a oneshot channel): the runtime never blocks and at most `max_parallel` run at once, but every hash gets a new OS thread of its own instead of running on tokio's blocking pool.
//! Caught by: hashing_runs_off_the_runtime_thread

pub const ROUNDS: u64 = 5_000;

pub fn slow_hash(data: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..ROUNDS {
        for &byte in data {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= round;
    }
    hash
}

pub async fn hash_all(inputs: Vec<Vec<u8>>, max_parallel: usize) -> Vec<u64> {
    hash_all_with(inputs, max_parallel, slow_hash).await
}

// A thread of its own per hash, so the runtime is never blocked; a semaphore
// keeps it to max_parallel at once.
use std::sync::Arc;

use tokio::sync::{Semaphore, oneshot};

pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    let hash = Arc::new(hash);
    let limit = Arc::new(Semaphore::new(max_parallel));
    let mut receivers = Vec::with_capacity(inputs.len());
    for input in inputs {
        let permit = limit.clone().acquire_owned().await.unwrap();
        let hash = hash.clone();
        let (tx, rx) = oneshot::channel();
        std::thread::spawn(move || {
            let _permit = permit;
            let _ = tx.send(hash(&input));
        });
        receivers.push(rx);
    }
    let mut out = Vec::with_capacity(receivers.len());
    for rx in receivers {
        out.push(rx.await.expect("hash thread panicked"));
    }
    out
}
