//! Wrong: awaits each hash under a 5-second `timeout` in a loop that logs "still waiting" and tries again, so while a hash runs long the future wakes itself every 5 s to check on it (harmless-looking, and the tests never wait 5 s).
//! Caught by: hash_all_is_pending_on_its_first_poll

/// How many times `slow_hash` goes over its input.
pub const ROUNDS: u64 = 5_000;

/// A deliberately slow, CPU-bound hash (think of a password hash like
/// bcrypt): FNV-1a over `data`, `ROUNDS` times. Given: do not change it.
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

/// Hashes every input with [`slow_hash`]. Given: it is `hash_all_with`
/// with the real hash function.
pub async fn hash_all(inputs: Vec<Vec<u8>>, max_parallel: usize) -> Vec<u64> {
    hash_all_with(inputs, max_parallel, slow_hash).await
}

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// How often to report a hash that takes unusually long.
const WATCHDOG: Duration = Duration::from_secs(5);

pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    let hash = Arc::new(hash);
    let limit = Arc::new(Semaphore::new(max_parallel));
    let mut handles = Vec::with_capacity(inputs.len());
    for input in inputs {
        let permit = Arc::clone(&limit)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let hash = Arc::clone(&hash);
        handles.push(tokio::task::spawn_blocking(move || {
            let _permit = permit;
            (*hash)(&input)
        }));
    }
    let mut hashes = Vec::with_capacity(handles.len());
    for (index, mut handle) in handles.into_iter().enumerate() {
        let value = loop {
            match tokio::time::timeout(WATCHDOG, &mut handle).await {
                Ok(joined) => break joined.expect("a hash panicked"),
                Err(_) => eprintln!("hash_all_with: input {index} is still being hashed"),
            }
        };
        hashes.push(value);
    }
    hashes
}
