//! Wrong: adds `E: Debug` to log each failure with `eprintln!("{e:?}")`; right for the usual errors, but a job whose error type is not `Debug` can no longer be run.
//! Caught by: outputs_need_only_send

use std::fmt::Debug;

use futures::future::BoxFuture;
use tokio::task::JoinSet;

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + Debug + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(error)) => eprintln!("a job failed: {error:?}"),
            Err(join_error) => eprintln!("a job panicked: {join_error}"),
        }
    }
    None
}
