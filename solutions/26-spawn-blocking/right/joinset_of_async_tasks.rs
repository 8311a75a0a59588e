//! Right: one async task per input in a JoinSet (dropped with the caller, so its tasks are aborted); each task waits for a semaphore permit, then awaits its spawn_blocking hash; results are slotted by index.

use std::sync::Arc;

use tokio::sync::Semaphore;
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
    let permits = Arc::new(Semaphore::new(max_parallel));
    let count = inputs.len();

    let mut tasks = JoinSet::new();
    for (index, input) in inputs.into_iter().enumerate() {
        let hash = hash.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let permit = permits.acquire_owned().await.expect("semaphore closed");
            let value = tokio::task::spawn_blocking(move || {
                let value = hash(&input);
                drop(permit);
                value
            })
            .await
            .expect("a hash panicked");
            (index, value)
        });
    }

    let mut slots: Vec<Option<u64>> = vec![None; count];
    while let Some(done) = tasks.join_next().await {
        let (index, value) = done.expect("a task failed");
        slots[index] = Some(value);
    }
    slots.into_iter().map(|slot| slot.unwrap()).collect()
}
