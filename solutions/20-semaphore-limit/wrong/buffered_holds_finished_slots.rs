//! Wrong: uses `stream::iter(jobs).buffered(limit)`, which keeps the order and the limit, but a job that finishes early keeps its slot until every job before it is done, so the next job starts late (5s instead of 4s for 3s, 1s, 1s, 1s, 1s, 1s at limit 2).
//! Caught by: each_job_starts_as_soon_as_a_slot_is_free
//!
//! `buffered` is the right tool when results must be handed on in order as
//! they come (kata 21), not for a pool where a slot is free the moment its
//! job ends.

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    stream::iter(jobs).buffered(limit).collect().await
}
