//! Must compile: `first_ok` asks nothing of a job's success or error type
//! but `Send + 'static`.
//!
//! The jobs here succeed with an `Answer` and fail with a `Failure`, which
//! are `Send` and nothing else a learner might ask for: not `Debug` (to log
//! a failure, or to `unwrap` a result), not `Clone`, `PartialEq` or
//! `Default`, not `Sync` (they hold a `Cell`), and not `Unpin`. If this file
//! does not compile, with "`Failure` doesn't implement `Debug`", "the trait
//! bound .. is not satisfied" or "cannot be shared between threads safely",
//! the bounds on `T` or `E` ask for more than the kata allows: remove the
//! extra bound (and whatever needed it).

use std::cell::Cell;
use std::marker::{PhantomData, PhantomPinned};

use futures::future::BoxFuture;
use kata_18_joinset_first_ok::first_ok;
use kata_support::{Stopwatch, assert_no_leaked_tasks, ms, no_hang, no_spin};

/// Only `Send + 'static`.
struct Answer {
    mirror: u32,
    _not_sync: PhantomData<Cell<()>>,
    _not_unpin: PhantomPinned,
}

/// Only `Send + 'static`.
struct Failure {
    _not_sync: PhantomData<Cell<()>>,
    _not_unpin: PhantomPinned,
}

fn job(takes: u64, mirror: Option<u32>) -> BoxFuture<'static, Result<Answer, Failure>> {
    Box::pin(async move {
        tokio::time::sleep(ms(takes)).await;
        match mirror {
            Some(mirror) => Ok(Answer {
                mirror,
                _not_sync: PhantomData,
                _not_unpin: PhantomPinned,
            }),
            None => Err(Failure {
                _not_sync: PhantomData,
                _not_unpin: PhantomPinned,
            }),
        }
    })
}

#[tokio::test(start_paused = true)]
async fn an_answer_and_a_failure_with_no_other_traits_are_accepted() {
    let jobs = vec![job(41, Some(1)), job(13, None), job(29, Some(2))];
    let watch = Stopwatch::start();
    let answer = no_hang(
        "first_ok([Ok(mirror 1) after 41ms, Err after 13ms, Ok(mirror 2) after 29ms])",
        no_spin("first_ok", first_ok(jobs)),
    )
    .await;
    let mirror = answer.map(|answer| answer.mirror);
    assert!(
        mirror == Some(2) && watch.elapsed() == ms(29),
        "first_ok([Ok(mirror 1) after 41ms, Err after 13ms, Ok(mirror 2) after 29ms]) returned \
         the answer of mirror {mirror:?} after {:?}, expected mirror 2 after exactly 29ms: the \
         first success.",
        watch.elapsed()
    );
    assert_no_leaked_tasks("first_ok returned").await;
}
