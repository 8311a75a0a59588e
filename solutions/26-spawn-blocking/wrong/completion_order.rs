//! Wrong: keeps the limit with a JoinSet but collects the hashes in the order they finish (join_next), not in the order of the inputs.
//! Caught by: results_are_in_input_order

use std::sync::Arc;

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
    let mut running = JoinSet::new();
    let mut hashes = Vec::new();
    for input in inputs {
        if running.len() == max_parallel {
            // WRONG: whichever finishes first is pushed first.
            let done = running.join_next().await.expect("not empty");
            hashes.push(done.expect("a hash panicked"));
        }
        let hash = hash.clone();
        running.spawn_blocking(move || hash(&input));
    }
    while let Some(done) = running.join_next().await {
        hashes.push(done.expect("a hash panicked"));
    }
    hashes
}
