//! Right: a pool of max_parallel blocking tasks (spawn_blocking), each taking inputs from a shared queue and hashing them one after another on its thread; a flag set when hash_all_with's future is dropped tells them to take no further input; results are put back at each input's index.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

/// Sets the flag when dropped: when hash_all_with returns, or when its
/// caller drops it mid-way.
struct StopWhenDropped(Arc<AtomicBool>);

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    let total = inputs.len();
    let queue = Arc::new(Mutex::new(inputs.into_iter().enumerate()));
    let stop = Arc::new(AtomicBool::new(false));
    let _stop = StopWhenDropped(stop.clone());
    let hash = Arc::new(hash);

    let pool: Vec<_> = (0..max_parallel.min(total))
        .map(|_| {
            let (queue, stop, hash) = (queue.clone(), stop.clone(), hash.clone());
            tokio::task::spawn_blocking(move || {
                let mut done = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let next = queue.lock().unwrap().next();
                    let Some((index, input)) = next else { break };
                    done.push((index, hash(&input)));
                }
                done
            })
        })
        .collect();

    let mut hashes = vec![0u64; total];
    for worker in pool {
        for (index, value) in worker.await.expect("a hash panicked") {
            hashes[index] = value;
        }
    }
    hashes
}
