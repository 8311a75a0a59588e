//! Wrong: the slots are a process-wide static counter with a static Notify, so two calls at the same time share one pool of `limit` slots.
//! Caught by: two_calls_at_once_each_have_their_own_slots

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;
use tokio::sync::Notify;

/// How many jobs are running right now.
static RUNNING: AtomicUsize = AtomicUsize::new(0);
/// Woken whenever a job gives its slot back.
static SLOT_FREED: Notify = Notify::const_new();

/// A slot, given back (and the waiters woken) when dropped, also when the
/// job is dropped half-way.
struct Slot;

impl Drop for Slot {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        SLOT_FREED.notify_waiters();
    }
}

async fn take_slot(limit: usize) -> Slot {
    loop {
        let freed = SLOT_FREED.notified();
        tokio::pin!(freed);
        // Register before looking, so that no release is missed.
        freed.as_mut().enable();
        let now = RUNNING.load(Ordering::SeqCst);
        if now < limit
            && RUNNING
                .compare_exchange(now, now + 1, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            return Slot;
        }
        freed.await;
    }
}

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let runs = jobs.into_iter().map(|job| async move {
        let _slot = take_slot(limit).await;
        job.await
    });
    futures::future::join_all(runs).await
}
