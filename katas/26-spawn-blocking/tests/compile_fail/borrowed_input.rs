// Hashing a borrowed slice on the blocking pool. The closure borrows `data`,
// but spawn_blocking needs a closure that is 'static: the blocking task may
// still be running after `hash_borrowed` has returned (or been cancelled),
// when `data` may be gone. The fix: move an owned copy in
// (`let data = data.to_vec();` and a `move` closure).
use kata_26_spawn_blocking::slow_hash;

async fn hash_borrowed(data: &[u8]) -> u64 {
    tokio::task::spawn_blocking(|| slow_hash(data))
        .await
        .expect("the hash panicked")
}

fn main() {
    let _ = hash_borrowed(b"not 'static enough");
}
