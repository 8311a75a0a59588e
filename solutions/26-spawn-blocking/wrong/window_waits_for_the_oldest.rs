//! Wrong: keeps a window of max_parallel handles and, when it is full, awaits the oldest before starting another, so a hash that finishes early does not free its slot until every older one is done.
//! Caught by: a_free_slot_is_used_at_once

use std::collections::VecDeque;
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
    let mut window = VecDeque::new();
    let mut hashes = Vec::new();
    for input in inputs {
        if window.len() == max_parallel {
            // WRONG: the oldest may well be the slowest.
            let oldest: tokio::task::JoinHandle<u64> = window.pop_front().unwrap();
            hashes.push(oldest.await.unwrap());
        }
        let hash = hash.clone();
        window.push_back(tokio::task::spawn_blocking(move || hash(&input)));
    }
    for handle in window {
        hashes.push(handle.await.unwrap());
    }
    hashes
}
