//! Grading tests for kata 06: join futures concurrently.
//!
//! Every test runs on tokio's paused clock: a future that sleeps 300ms
//! takes exactly 300ms of virtual time, so "were these futures awaited at
//! the same time?" is a question about exact elapsed time. Two futures of
//! 300ms and 500ms take 500ms when joined, 800ms one after the other.

use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use kata_06_join_concurrently::{all, both};
use kata_support::{assert_no_leaked_tasks, ms, no_hang, ConcurrencyProbe, Stopwatch};
use tokio::time::sleep;

/// A lazy future that finishes `millis` after it is first polled.
async fn after(millis: u64, value: u32) -> u32 {
    sleep(ms(millis)).await;
    value
}

/// The test's fetch for `all`: id N takes (11 - N) × 100ms and returns
/// N × 10, so ids 1 to 10 finish in the reverse of their order. It counts
/// its calls and how many fetches are in flight at once.
#[derive(Clone, Default)]
struct Fetcher {
    probe: ConcurrencyProbe,
    calls: Arc<Mutex<Vec<u32>>>,
}

impl Fetcher {
    fn takes(id: u32) -> u64 {
        (11 - u64::from(id)) * 100
    }

    fn fetch(&self) -> impl Fn(u32) -> BoxFuture<'static, u32> {
        let this = self.clone();
        move |id| {
            this.calls.lock().unwrap().push(id);
            let probe = this.probe.clone();
            Box::pin(async move {
                let _in_flight = probe.enter();
                sleep(ms(Fetcher::takes(id))).await;
                id * 10
            })
        }
    }

    fn calls(&self) -> Vec<u32> {
        let mut calls = self.calls.lock().unwrap().clone();
        calls.sort_unstable();
        calls
    }
}

const WHY_SEQUENTIAL: &str = "An `.await` waits for one future before the next line runs, \
     so `a.await; b.await;` starts b only when a is done. Await both at once from this task: \
     tokio::join!(a, b).";

#[tokio::test(start_paused = true)]
async fn both_waits_for_the_two_futures_at_the_same_time() {
    let watch = Stopwatch::start();
    let outputs = no_hang(
        "both(a 300ms future, a 500ms future)",
        both(after(300, 1), after(500, 2)),
    )
    .await;
    watch.assert_elapsed(
        ms(500),
        "both(a 300ms future, a 500ms future)",
        &format!(
            "Awaited at the same time, the two futures take as long as the slower one: \
             500ms. 800ms is 300ms + 500ms: one after the other. {WHY_SEQUENTIAL}"
        ),
    );
    assert_eq!(
        outputs,
        (1, 2),
        "both(a future returning 1, a future returning 2) returned {outputs:?}."
    );
}

#[tokio::test(start_paused = true)]
async fn both_keeps_its_arguments_in_order() {
    let watch = Stopwatch::start();
    // This time the first future is the slower one.
    let outputs = no_hang(
        "both(a 500ms future, a 300ms future)",
        both(after(500, 1), after(300, 2)),
    )
    .await;
    assert_eq!(
        outputs,
        (1, 2),
        "both(a 500ms future returning 1, a 300ms future returning 2) returned \
         {outputs:?}, expected (1, 2): the outputs come back in the order of the \
         arguments, not in the order the futures finish."
    );
    watch.assert_elapsed(
        ms(500),
        "both(a 500ms future, a 300ms future)",
        &format!("Both futures must be awaited to the end, at the same time. {WHY_SEQUENTIAL}"),
    );
}

#[tokio::test(start_paused = true)]
async fn all_fetches_every_id_at_the_same_time() {
    let fetcher = Fetcher::default();
    let ids: Vec<u32> = (1..=10).collect();
    let watch = Stopwatch::start();
    let results = no_hang("all(ids 1 to 10, fetch)", all(ids.clone(), fetcher.fetch())).await;

    assert_eq!(
        fetcher.calls(),
        ids,
        "all(ids 1 to 10, fetch) called fetch for {:?}: it must call it exactly once per id.",
        fetcher.calls()
    );
    watch.assert_elapsed(
        ms(1000),
        "all(ids 1 to 10, fetch), whose fetches take 1000ms down to 100ms,",
        "Awaited at the same time, ten fetches take as long as the slowest one: 1000ms. \
         5.5s is the sum: each fetch started only when the previous one was done. Collect \
         the futures first, then await them all at once: futures::future::join_all.",
    );
    assert_eq!(
        fetcher.probe.peak(),
        10,
        "at most {} of the ten fetches were in flight at once; all ten should be: every \
         fetch is waiting on its own timer, so nothing stops them all from waiting together.",
        fetcher.probe.peak()
    );
    assert_eq!(results.len(), 10, "all(ids 1 to 10) returned {results:?}.");
    assert_no_leaked_tasks("all returned").await;
}

#[tokio::test(start_paused = true)]
async fn all_returns_results_in_the_order_of_ids() {
    let fetcher = Fetcher::default();
    let ids: Vec<u32> = (1..=10).collect();
    let watch = Stopwatch::start();
    let results = no_hang("all(ids 1 to 10, fetch)", all(ids.clone(), fetcher.fetch())).await;

    let mut report = format!(
        "all(ids 1 to 10, fetch) returned at: {}ms\n",
        watch.elapsed_ms()
    );
    for (index, id) in ids.iter().enumerate() {
        let got = results
            .get(index)
            .map_or("missing".to_string(), |r| r.to_string());
        report.push_str(&format!(
            "result {index}: {got} (id {id}, fetched in {}ms)\n",
            Fetcher::takes(*id)
        ));
    }
    insta::with_settings!({
        description => "all(ids 1 to 10, fetch), where fetching id N takes (11 - N) x 100ms \
            and returns N x 10: the fetches finish in the reverse of the ids' order. All of \
            them run at the same time, so all returns after the slowest (1000ms), with the \
            results in the order of the ids: 10, 20, ..., 100. Results in the reverse order \
            come from collecting them as they finish (FuturesUnordered, buffer_unordered); \
            join_all keeps the input order.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("all_results", report);
    });
    assert_no_leaked_tasks("all returned").await;
}

#[tokio::test(start_paused = true)]
async fn all_of_no_ids_returns_at_once() {
    let fetcher = Fetcher::default();
    let watch = Stopwatch::start();
    let results = no_hang("all(no ids, fetch)", all(Vec::new(), fetcher.fetch())).await;
    assert!(
        results.is_empty(),
        "all(no ids, fetch) returned {results:?}, expected no results."
    );
    watch.assert_elapsed(
        ms(0),
        "all(no ids, fetch)",
        "With nothing to fetch there is nothing to wait for.",
    );
}
