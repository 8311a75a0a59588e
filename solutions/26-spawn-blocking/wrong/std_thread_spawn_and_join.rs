//! Wrong: starts a std::thread per input (at most max_parallel at a time) and joins them with `JoinHandle::join()`, which blocks the runtime's thread until the hashes are done: the first poll does not return until everything is hashed.
//! Caught by: hash_all_is_pending_on_its_first_poll

use std::sync::Arc;
use std::thread;

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
    let mut hashes = Vec::with_capacity(inputs.len());
    for batch in inputs.chunks(max_parallel) {
        let threads: Vec<_> = batch
            .iter()
            .cloned()
            .map(|input| {
                let hash = hash.clone();
                thread::spawn(move || hash(&input))
            })
            .collect();
        for t in threads {
            // WRONG: join() is a blocking wait, on the runtime's thread.
            hashes.push(t.join().expect("a hash panicked"));
        }
    }
    hashes
}
