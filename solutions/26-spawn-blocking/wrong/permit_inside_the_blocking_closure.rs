//! Wrong: spawns a blocking task for every input at once, and each one waits for a semaphore permit inside its closure (`Handle::block_on`): at most max_parallel hash at a time, but every input holds a blocking thread while it waits.
//! Caught by: at_most_max_parallel_hashes_at_once

use std::sync::Arc;

use tokio::runtime::Handle;
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
    let runtime = Handle::current();
    let handles: Vec<_> = inputs
        .into_iter()
        .map(|input| {
            let (hash, limit, runtime) = (hash.clone(), limit.clone(), runtime.clone());
            tokio::task::spawn_blocking(move || {
                // WRONG: the thread is already taken while it waits here.
                let _permit = runtime.block_on(limit.acquire_owned()).unwrap();
                hash(&input)
            })
        })
        .collect();
    let mut hashes = Vec::new();
    for handle in handles {
        hashes.push(handle.await.unwrap());
    }
    hashes
}
