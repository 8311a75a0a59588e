//! Wrong: hashes the inputs in fixed batches of max_parallel (`chunks`), awaiting each whole batch before starting the next, so a slot freed by a fast hash stays empty until the slowest hash of the batch is done.
//! Caught by: a_free_slot_is_used_at_once

use std::sync::Arc;

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
    let mut hashes = Vec::with_capacity(inputs.len());
    for batch in inputs.chunks(max_parallel) {
        let handles: Vec<_> = batch
            .iter()
            .map(|input| {
                let (hash, input) = (hash.clone(), input.clone());
                tokio::task::spawn_blocking(move || hash(&input))
            })
            .collect();
        // WRONG: the next batch waits for the slowest of this one.
        for handle in handles {
            hashes.push(handle.await.expect("a hash panicked"));
        }
    }
    hashes
}
