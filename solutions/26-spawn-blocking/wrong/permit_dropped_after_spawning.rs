//! Wrong: takes a semaphore permit before each spawn_blocking but drops it as soon as spawn_blocking returns, not when the hash is done, so the limit holds nothing back: every input starts at once.
//! Caught by: at_most_max_parallel_hashes_at_once

use std::sync::Arc;

use tokio::sync::Semaphore;

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
    let limit = Arc::new(Semaphore::new(max_parallel));
    let mut handles = Vec::new();
    for input in inputs {
        let permit = limit.clone().acquire_owned().await.expect("never closed");
        let hash = hash.clone();
        handles.push(tokio::task::spawn_blocking(move || hash(&input)));
        // WRONG: spawning takes no time; the hash has not even started.
        drop(permit);
    }
    let mut hashes = Vec::new();
    for handle in handles {
        hashes.push(handle.await.expect("a hash panicked"));
    }
    hashes
}
