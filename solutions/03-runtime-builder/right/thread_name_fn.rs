//! Right: names threads with `thread_name_fn` and an owned copy of the name, builds with `?` and wraps the runtime in `Ok`.

use std::io;

use tokio::runtime::{self, Runtime};

pub fn build(workers: usize, max_blocking: usize, name: &str) -> io::Result<Runtime> {
    let name = name.to_owned();
    let rt = runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name_fn(move || name.clone())
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .build()?;
    Ok(rt)
}
