//! Right: the same four settings plus harmless extras (keep-alive, stack size) the task does not mention, in another order.

use std::time::Duration;

use tokio::runtime::Runtime;

const STACK: usize = 4 * 1024 * 1024;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name(name)
        .thread_stack_size(STACK)
        .thread_keep_alive(Duration::from_secs(30))
        .max_blocking_threads(max_blocking)
        .enable_all()
        .worker_threads(workers)
        .build()
}
