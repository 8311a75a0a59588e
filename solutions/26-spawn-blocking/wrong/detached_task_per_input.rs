//! Wrong: spawns an async task per input that waits for a permit and then runs the hash with spawn_blocking, and awaits the tasks' handles in order; when the caller drops hash_all_with, the tasks are only detached and go on starting hashes nobody will read.
//! Caught by: a_dropped_call_starts_no_more_hashes

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
    // WRONG: dropping these handles (when the caller gives up) does not
    // stop the tasks.
    let tasks: Vec<_> = inputs
        .into_iter()
        .map(|input| {
            let (hash, limit) = (hash.clone(), limit.clone());
            tokio::spawn(async move {
                let permit = limit.acquire_owned().await.unwrap();
                tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    hash(&input)
                })
                .await
                .unwrap()
            })
        })
        .collect();
    let mut hashes = Vec::with_capacity(tasks.len());
    for task in tasks {
        hashes.push(task.await.unwrap());
    }
    hashes
}
