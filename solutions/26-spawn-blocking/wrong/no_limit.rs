//! Wrong: spawns a blocking task for every input at once and ignores max_parallel: every hash runs at the same time where max_parallel may.
//! Caught by: at_most_max_parallel_hashes_at_once

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
    let _ = max_parallel;
    let hash = Arc::new(hash);
    // WRONG: every input gets a blocking thread, all at once.
    let handles: Vec<_> = inputs
        .into_iter()
        .map(|input| {
            let hash = hash.clone();
            tokio::task::spawn_blocking(move || hash(&input))
        })
        .collect();
    let mut hashes = Vec::new();
    for handle in handles {
        hashes.push(handle.await.expect("a hash panicked"));
    }
    hashes
}
