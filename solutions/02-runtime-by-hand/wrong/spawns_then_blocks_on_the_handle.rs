//! Wrong: spawns `f` on the runtime and blocks on its JoinHandle, which forces `Send + 'static` bounds on `F`: a future that borrows a local or holds an Rc can no longer be given to block_on_current.
//! Caught by: block_on_takes_any_future

use std::future::Future;

pub fn block_on_current<F>(f: F) -> F::Output
where
    // The mistake: bounds that only tokio::spawn needs. block_on runs the
    // future on this thread and waits for it, so it needs neither.
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build a current-thread tokio runtime");
    let handle = runtime.spawn(f);
    runtime.block_on(handle).expect("the future panicked")
}
