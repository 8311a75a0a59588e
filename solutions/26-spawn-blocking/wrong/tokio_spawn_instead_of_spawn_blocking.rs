//! Wrong: runs each hash in `tokio::spawn(async move { hash(&input) })`: an ordinary async task, which runs on the runtime's own threads, so the CPU-heavy work still blocks them.
//! Caught by: hashing_runs_off_the_runtime_thread

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
        // WRONG: a task is not a thread of its own; this one runs on a
        // runtime worker, and never yields while it hashes.
        handles.push(tokio::spawn(async move {
            let _permit = permit;
            hash(&input)
        }));
    }
    let mut hashes = Vec::new();
    for handle in handles {
        hashes.push(handle.await.unwrap());
    }
    hashes
}
