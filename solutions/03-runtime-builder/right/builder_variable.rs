//! Right: a mutable Builder configured statement by statement (the `&mut Self` style), drivers enabled one at a time.

use tokio::runtime::{Builder, Runtime};

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    let mut builder = Builder::new_multi_thread();
    builder.enable_time();
    builder.enable_io();
    builder.thread_name(name);
    builder.max_blocking_threads(max_blocking);
    builder.worker_threads(workers);
    builder.build()
}
