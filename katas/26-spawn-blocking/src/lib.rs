//! Kata 26: move CPU-heavy work off the runtime.
//!
//! `slow_hash` is CPU-heavy: it never waits for anything, it just computes,
//! for a long time, without a single `.await`. Called from async code it
//! blocks the runtime's thread exactly like `std::thread::sleep` does.
//!
//! Write `hash_all_with`: hash every input on tokio's blocking thread pool
//! (`spawn_blocking`), at most `max_parallel` at a time, and return the
//! hashes in the order of the inputs. `hash_all` (given) is the same with
//! `slow_hash`; the tests call `hash_all_with` with an instrumented hash
//! function, to watch where and how many hashes run.
//!
//! Fill in the `todo!()`. README.md explains spawn_blocking, why its closure
//! must be `'static`, and what the tests check.

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
///
/// - The hashing never runs on the runtime's own thread: `hash_all_with`
///   only starts the work and waits for it (its first poll is `Pending`).
/// - At most `max_parallel` hashes run at once (`max_parallel` is at least
///   1), and no more than `max_parallel` blocking tasks are started before
///   one of them has finished.
/// - The n-th hash returned is the hash of the n-th input.
pub async fn hash_all_with<H>(inputs: Vec<Vec<u8>>, max_parallel: usize, hash: H) -> Vec<u64>
where
    H: Fn(&[u8]) -> u64 + Send + Sync + 'static,
{
    // Each input is hashed in `tokio::task::spawn_blocking`. Its closure
    // runs on another thread, maybe after this function has returned, so it
    // must own everything it uses. A `tokio::sync::Semaphore` can keep the
    // number running at once to `max_parallel`.
    let _ = (inputs, max_parallel, hash);
    todo!("spawn_blocking each hash, at most max_parallel at once, results in order")
}
