// A storage of a caller's own, implemented the way the trait promises it
// can be: with `async fn`, whose futures borrow `&self` and `key` across an
// `.await` (here, a read guard of a tokio RwLock). It is neither `Clone` nor
// `Default` nor `Debug`, and it is served through your `Remote`.
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kata_36_async_fn_in_traits::{serve, Remote, Request, Storage};
use tokio::sync::{mpsc, oneshot, RwLock};

struct Audited {
    map: RwLock<HashMap<String, String>>,
    reads: AtomicUsize,
}

impl Storage for Audited {
    async fn get(&self, key: &str) -> Option<String> {
        let map = self.map.read().await;
        tokio::task::yield_now().await;
        self.reads.fetch_add(1, Ordering::SeqCst);
        map.get(key).cloned()
    }

    async fn put(&self, key: &str, value: String) {
        let mut map = self.map.write().await;
        tokio::task::yield_now().await;
        map.insert(key.to_string(), value);
    }
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
        let audited = Audited {
            map: RwLock::new(HashMap::new()),
            reads: AtomicUsize::new(0),
        };
        let storage = Arc::new(Remote::new(audited, Duration::from_millis(11)));
        let (requests, incoming) = mpsc::channel(4);
        let server = tokio::spawn(serve(storage.clone(), incoming));

        let (reply, stored) = oneshot::channel();
        let put = Request::Put {
            key: "motd".to_string(),
            value: "be kind".to_string(),
            reply,
        };
        requests.send(put).await.unwrap();
        stored.await.unwrap();
        let (reply, answer) = oneshot::channel();
        let get = Request::Get {
            key: "motd".to_string(),
            reply,
        };
        requests.send(get).await.unwrap();
        assert_eq!(
            answer.await.unwrap().as_deref(),
            Some("be kind"),
            "the server's reply"
        );
        drop(requests);
        assert_eq!(server.await.unwrap(), 2, "requests served");
        assert_eq!(
            storage.get("motd").await.as_deref(),
            Some("be kind"),
            "a direct get"
        );
    });
}
