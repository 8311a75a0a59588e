//! Right: a JoinSet of blocking tasks that return (index, hash); when max_parallel are running, `join_next` frees a slot (whichever finishes first), and each hash is put back at its index.

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
    let mut results = vec![0u64; inputs.len()];
    let mut running: JoinSet<(usize, u64)> = JoinSet::new();

    for (index, input) in inputs.into_iter().enumerate() {
        if running.len() >= max_parallel {
            let (done, value) = running.join_next().await.unwrap().unwrap();
            results[done] = value;
        }
        let hash = Arc::clone(&hash);
        running.spawn_blocking(move || (index, hash(&input)));
    }
    while let Some(joined) = running.join_next().await {
        let (done, value) = joined.unwrap();
        results[done] = value;
    }
    results
}
