//! Wrong: wraps the hashing in tokio::task::block_in_place, which panics on a current-thread runtime (there is no other worker to hand the runtime's tasks to).
//! Caught by: hashing_runs_off_the_runtime_thread

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
    let _ = max_parallel;
    // WRONG: only works on the multi-thread runtime, and even there it
    // hashes on the current worker thread, one input after the other.
    tokio::task::block_in_place(|| inputs.iter().map(|input| hash(input)).collect())
}
