// Generic code over any storage that spawns tasks calling it: the reason a
// trait's futures must be `Send`. `copy_in_background` works for every
// `S: Storage + Send + Sync + 'static`, so it can only rely on what the
// trait itself promises about the futures of `get` and `put`.
use std::sync::Arc;
use std::time::Duration;

use kata_36_async_fn_in_traits::{serve, MemoryStorage, Remote, Request, Storage};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Copies the value of `from` to `to`, in a task of its own.
fn copy_in_background<S>(storage: Arc<S>, from: &'static str, to: &'static str) -> JoinHandle<bool>
where
    S: Storage + Send + Sync + 'static,
{
    tokio::spawn(async move {
        match storage.get(from).await {
            Some(value) => {
                storage.put(to, value).await;
                true
            }
            None => false,
        }
    })
}

/// Starts a server for any storage, in a task of its own.
fn start_server<S>(storage: Arc<S>) -> (mpsc::Sender<Request>, JoinHandle<usize>)
where
    S: Storage + Send + Sync + 'static,
{
    let (requests, incoming) = mpsc::channel(4);
    (requests, tokio::spawn(serve(storage, incoming)))
}

async fn check<S: Storage + Send + Sync + 'static>(storage: Arc<S>) {
    storage.put("greeting", "hello".to_string()).await;
    let copied = copy_in_background(storage.clone(), "greeting", "copy")
        .await
        .unwrap();
    assert!(copied, "the greeting was there to copy");
    assert_eq!(
        storage.get("copy").await.as_deref(),
        Some("hello"),
        "the copy"
    );

    let (requests, server) = start_server(storage);
    let (reply, answer) = oneshot::channel();
    requests
        .send(Request::Get {
            key: "copy".to_string(),
            reply,
        })
        .await
        .unwrap();
    assert_eq!(
        answer.await.unwrap().as_deref(),
        Some("hello"),
        "the server's reply"
    );
    drop(requests);
    assert_eq!(server.await.unwrap(), 1, "requests served");
}

fn main() {
    // The grading tests judge what it does; here, only a bound on how long.
    kata_support::exit_if_still_running_after(std::time::Duration::from_secs(10), "this program");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        check(Arc::new(MemoryStorage::new())).await;
        check(Arc::new(Remote::new(
            MemoryStorage::new(),
            Duration::from_millis(7),
        )))
        .await;
    });
}
