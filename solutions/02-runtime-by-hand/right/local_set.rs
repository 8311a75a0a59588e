//! Right: runs the future inside a LocalSet on the current-thread runtime (so `spawn_local` would work too), with `unwrap_or_else` for the builder's error.

use std::future::Future;

use tokio::runtime;
use tokio::task::LocalSet;

pub fn block_on_current<F>(f: F) -> F::Output
where
    F: Future,
{
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
    let local = LocalSet::new();
    local.block_on(&rt, f)
}
