//! Right: the two drivers switched on one by one, the builder's error handled with a `match`, and the output kept in a variable before the runtime is dropped.

use std::future::Future;

use tokio::runtime::Builder;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    let mut builder = Builder::new_current_thread();
    builder.enable_time();
    builder.enable_io();
    let runtime = match builder.build() {
        Ok(runtime) => runtime,
        Err(error) => panic!("could not build a tokio runtime: {error}"),
    };
    let output = runtime.block_on(f);
    drop(runtime);
    output
}
