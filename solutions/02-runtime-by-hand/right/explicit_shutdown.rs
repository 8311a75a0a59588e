//! Right: a helper that builds the runtime, and an explicit `shutdown_background()` once the future is done instead of relying on the drop.

use std::future::Future;
use std::io;

use tokio::runtime::{Builder, Runtime};

fn current_thread_runtime() -> io::Result<Runtime> {
    Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
}

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    let runtime = current_thread_runtime().expect("building the runtime");
    let result = runtime.block_on(f);
    // Whatever the future left spawned goes with the runtime.
    runtime.shutdown_background();
    result
}
