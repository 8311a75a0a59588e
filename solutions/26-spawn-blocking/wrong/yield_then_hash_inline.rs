//! Wrong: yields once (`yield_now().await`) so that the first poll is Pending, then hashes every input inline: the runtime's thread still does all the CPU-heavy work.
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
    let mut hashes = Vec::with_capacity(inputs.len());
    for input in &inputs {
        // WRONG: yielding between hashes lets other tasks in now and then,
        // but each hash still runs on the runtime's thread.
        tokio::task::yield_now().await;
        hashes.push(hash(input));
    }
    hashes
}
