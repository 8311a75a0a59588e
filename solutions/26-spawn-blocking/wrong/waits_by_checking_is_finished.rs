//! Wrong: starts the hashes correctly (a semaphore permit moved into each closure), but waits for them with a `yield_now()` loop until every handle `is_finished()`, instead of awaiting the handles: it never waits, it keeps asking, and keeps the runtime's thread busy the whole time.
//! Caught by: hash_all_is_pending_on_its_first_poll

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
        let permit = limit.clone().acquire_owned().await.unwrap();
        let hash = hash.clone();
        handles.push(tokio::task::spawn_blocking(move || {
            let _permit = permit;
            hash(&input)
        }));
    }
    // WRONG: "are we there yet?" in a loop.
    while !handles.iter().all(|handle| handle.is_finished()) {
        tokio::task::yield_now().await;
    }
    let mut hashes = Vec::new();
    for handle in handles {
        hashes.push(handle.await.unwrap());
    }
    hashes
}
