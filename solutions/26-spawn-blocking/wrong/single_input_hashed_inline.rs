//! Wrong: with a single input there is "nothing to run in parallel", so `hash_all_with` hashes it inline, on the runtime's thread: its first poll does the whole hash and blocks every other task meanwhile.
//! Caught by: hashing_runs_off_the_runtime_thread, hash_all_is_pending_on_its_first_poll

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

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

/// Hashes every input with `hash` on tokio's blocking thread pool, at most
/// `max_parallel` at a time, and returns the hashes in the order of
/// `inputs`.
pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    // A blocking task may outlive this call (it cannot be cancelled once it
    // runs), so its closure must be `'static`: it owns its input (moved in)
    // and shares the hash function through an `Arc`, never a reference to
    // something on this function's stack.
    // One input: nothing to run in parallel, no need for a thread.
    if inputs.len() == 1 {
        return vec![hash(&inputs[0])];
    }
    let hash = Arc::new(hash);

    // The blocking pool would happily run every input at once (it grows to
    // 512 threads by default). `max_parallel` permits cap that.
    let limit = Arc::new(Semaphore::new(max_parallel));

    let mut handles: Vec<JoinHandle<u64>> = Vec::with_capacity(inputs.len());
    for input in inputs {
        // Waits (yielding, not blocking) while `max_parallel` hashes run.
        // An *owned* permit can move into the closure...
        let permit = limit
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let hash = hash.clone();
        handles.push(tokio::task::spawn_blocking(move || {
            // ...so it is released when the hash is done, on the blocking
            // thread, not when `spawn_blocking` returns (that would let the
            // next input start at once: no limit at all).
            let _permit = permit;
            hash(&input)
        }));
    }

    // Await the handles in input order: the results come back in the order
    // of the inputs, whichever finished first. Awaiting a JoinHandle yields
    // until the blocking thread is done, so the runtime's thread stays free
    // for other tasks the whole time.
    let mut hashes = Vec::with_capacity(handles.len());
    for handle in handles {
        match handle.await {
            Ok(value) => hashes.push(value),
            // The hash function panicked on its thread: re-raise the panic
            // here, with its original message, rather than hide it.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    hashes
}
