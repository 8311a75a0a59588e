// A caller of `retry` whose async closure changes what it captured (it
// pushes each attempt number to `seen`) and borrows the caller's client
// and path across an `.await`. Such a closure is `AsyncFnMut`, not
// `AsyncFn` (it mutates) and not `FnMut() -> Fut` (its future borrows from
// the closure). Nothing here is `Send`: `Rc` is not.
use std::rc::Rc;
use std::time::Duration;

use kata_35_async_closures::retry;

struct Page {
    body: String,
}

struct Busy {
    attempt: u32,
}

struct Client {
    name: Rc<str>,
}

impl Client {
    async fn fetch(&self, path: &str, attempt: u32) -> Result<Page, Busy> {
        tokio::time::sleep(Duration::from_millis(3)).await;
        if attempt < 3 {
            Err(Busy { attempt })
        } else {
            Ok(Page {
                body: format!("{}{path}", self.name),
            })
        }
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
        let client = Client {
            name: Rc::from("feeds"),
        };
        let path = String::from("/latest");
        let mut seen = Vec::new();
        let page = retry(5, Duration::from_millis(7), async |attempt| {
            seen.push(attempt);
            client.fetch(&path, attempt).await
        })
        .await;
        match page {
            Ok(page) => assert_eq!(page.body, "feeds/latest"),
            Err(busy) => panic!(
                "retry gave up at attempt {}, expected Ok at attempt 3",
                busy.attempt
            ),
        }
        assert_eq!(seen, [1, 2, 3], "the attempts retry made");

        // The same closure shape, giving up: every attempt fails.
        let mut failures = 0;
        let gave_up = retry(2, Duration::from_millis(5), async |attempt| {
            failures += 1;
            client.fetch(&path, attempt.min(2)).await
        })
        .await;
        assert!(gave_up.is_err(), "every attempt failed");
        assert_eq!(failures, 2, "the attempts retry made");
    });
}
