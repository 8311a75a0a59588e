//! Right: the semaphore pattern written with a helper that spawns one permitted hash, the handles collected by an explicit loop, and the results gathered with an iterator over the handles.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

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

fn spawn_hash<H>(hash: Arc<H>, input: Vec<u8>, permit: OwnedSemaphorePermit) -> JoinHandle<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    tokio::task::spawn_blocking(move || {
        let value = hash(&input);
        drop(permit); // the slot is free once this hash is done
        value
    })
}

pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    let hash = Arc::new(hash);
    let semaphore = Arc::new(Semaphore::new(max_parallel));
    let mut handles = Vec::new();
    for input in inputs {
        let Ok(permit) = semaphore.clone().acquire_owned().await else {
            unreachable!("the semaphore is never closed");
        };
        handles.push(spawn_hash(hash.clone(), input, permit));
    }
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(
            handle
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())),
        );
    }
    out
}
