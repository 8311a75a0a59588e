//! Must compile: `run_limited` asks nothing of a job's output but
//! `Send + 'static`.
//!
//! The jobs here return a `Receipt`, which is `Send` and nothing else a
//! learner might be tempted to ask for: not `Clone` (`vec![None; n]` needs
//! it; build the slots with `(0..n).map(|_| None).collect()` instead), not
//! `Debug`, `Default`, `PartialEq`, not `Sync` (it holds a `Cell`), and not
//! `Unpin`. If this file does not compile, with "the trait bound `Receipt: ..`
//! is not satisfied" or "cannot be shared between threads safely", the
//! bounds on `T` ask for more than the kata allows: remove the extra bound.

use std::cell::Cell;
use std::marker::{PhantomData, PhantomPinned};

use futures::future::BoxFuture;
use kata_20_semaphore_limit::run_limited;
use kata_support::{assert_no_leaked_tasks, ms, no_hang, no_spin};

/// Only `Send + 'static`.
struct Receipt {
    job: usize,
    _not_sync: PhantomData<Cell<()>>,
    _not_unpin: PhantomPinned,
}

#[tokio::test(start_paused = true)]
async fn an_output_with_no_other_traits_comes_back_in_order() {
    let takes = [413, 107, 251, 59, 331];
    let jobs: Vec<BoxFuture<'static, Receipt>> = takes
        .iter()
        .enumerate()
        .map(|(job, &takes)| -> BoxFuture<'static, Receipt> {
            Box::pin(async move {
                tokio::time::sleep(ms(takes)).await;
                Receipt {
                    job,
                    _not_sync: PhantomData,
                    _not_unpin: PhantomPinned,
                }
            })
        })
        .collect();
    let receipts = no_hang(
        "run_limited(five jobs whose output is only Send, limit 2)",
        no_spin("run_limited", run_limited(jobs, 2)),
    )
    .await;
    let order: Vec<usize> = receipts.iter().map(|r| r.job).collect();
    assert_eq!(
        order,
        [0, 1, 2, 3, 4],
        "run_limited(jobs of 413, 107, 251, 59 and 331ms, limit 2) returned the outputs of \
         jobs {order:?}, expected [0, 1, 2, 3, 4]: the outputs in the order of the jobs."
    );
    assert_no_leaked_tasks("run_limited returned").await;
}
