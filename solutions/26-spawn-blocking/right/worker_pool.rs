//! Right: a pool of max_parallel async workers (in a JoinSet) that take inputs from a shared queue one at a time and hash each with spawn_blocking; results go into a shared vector at each input's index.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::task::JoinSet;

/// How many times `slow_hash` goes over its input.
pub const ROUNDS: u64 = 5_000;

/// A deliberately slow, CPU-bound hash. Given.
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

/// Hashes every input with [`slow_hash`]. Given.
pub async fn hash_all(inputs: Vec<Vec<u8>>, max_parallel: usize) -> Vec<u64> {
    hash_all_with(inputs, max_parallel, slow_hash).await
}

pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    let hash = Arc::new(hash);
    let total = inputs.len();
    let queue: Arc<Mutex<VecDeque<(usize, Vec<u8>)>>> =
        Arc::new(Mutex::new(inputs.into_iter().enumerate().collect()));
    let results = Arc::new(Mutex::new(vec![0u64; total]));

    let mut workers = JoinSet::new();
    for _ in 0..max_parallel.min(total) {
        let (queue, results, hash) = (queue.clone(), results.clone(), hash.clone());
        workers.spawn(async move {
            loop {
                let next = queue.lock().unwrap().pop_front();
                let Some((index, input)) = next else { break };
                let hash = hash.clone();
                let value = tokio::task::spawn_blocking(move || hash(&input))
                    .await
                    .expect("a hash panicked");
                results.lock().unwrap()[index] = value;
            }
        });
    }
    while let Some(worker) = workers.join_next().await {
        worker.expect("a worker failed");
    }
    let results = results.lock().unwrap();
    results.clone()
}
