//! Kata 07: implement a timeout (reference solution).
//!
//! A timeout is a race between the work and a timer. `tokio::select!` polls
//! both from the same task; the first branch to complete wins and the other
//! future is dropped, which is how async Rust cancels work: a dropped future
//! never runs again.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

/// The error returned when the work did not finish within its time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The limit that was exceeded.
    pub limit: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.limit)
    }
}

impl std::error::Error for TimedOut {}

/// Runs `f`, giving up after `limit`.
pub async fn with_timeout<F: Future>(limit: Duration, f: F) -> Result<F::Output, TimedOut> {
    // `select!` pins both futures on this function's stack and polls them
    // in turn whenever the task is woken. Neither is spawned: when one
    // branch completes, `select!` returns and the other future is dropped
    // right here. So when the sleep wins, `f` is cancelled at whatever
    // `.await` it was parked on, and nothing keeps running in the
    // background.
    //
    // `biased;` polls the branches top to bottom instead of in a random
    // order. With `f` first, a future that becomes ready at the same
    // instant as the timer is polled first and its output is kept. That
    // is also what `tokio::time::timeout` does: it polls the inner future
    // before checking its deadline.
    //
    // `sleep` uses tokio's clock, which a test can pause and advance: the
    // timer wheel wakes this task exactly when the limit is reached, with
    // no polling loop and no thread kept busy.
    tokio::select! {
        biased;
        output = f => Ok(output),
        () = tokio::time::sleep(limit) => Err(TimedOut { limit }),
    }
}

/// Runs every op concurrently and keeps the results ready by `deadline`.
pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    // One absolute deadline, shared by every op. Each op gets its own race
    // against `sleep_until(deadline)`: the same instant for all of them, no
    // matter when each race is first polled. A relative limit
    // (`sleep(limit)`) would start counting from whenever the op starts.
    let races = ops.into_iter().map(|op| async move {
        tokio::select! {
            biased;
            output = op => Some(output),
            () = tokio::time::sleep_until(deadline) => None,
        }
    });

    // `join_all` polls every race from this one task, so they all run at
    // the same time, and returns their outputs in input order once all are
    // done. Every race is done by the deadline at the latest, so this
    // returns at the deadline, or earlier if every op finished earlier. An
    // op that lost its race has already been dropped inside `select!`.
    //
    // (`tokio::time::timeout_at(deadline, op)` is the library version of
    // each race.)
    futures::future::join_all(races).await
}
