//! Grading tests for kata 21: fetch a stream with bounded concurrency.
//!
//! Every test runs on a paused clock: a fetch of 100ms takes exactly 100ms
//! of virtual time, so how long `fetch_all` takes tells exactly how many
//! fetches ran side by side. A [`ConcurrencyProbe`] inside every fetch counts
//! how many were in flight at once.

use std::collections::HashMap;
use std::future::Future;

use futures::stream::{self, Stream, StreamExt};
use kata_21_stream_buffered::fetch_all;
use kata_support::{assert_no_leaked_tasks, ms, no_hang, ConcurrencyProbe, EventLog, Stopwatch};
use tokio::time::sleep;

/// A fake remote service. `fetch(id)` takes the id's delay in virtual
/// milliseconds and returns `id * 10`; every fetch is counted by `probe`
/// while it runs, and its start and end are written to `log`.
struct Service {
    delays: HashMap<u32, u64>,
    probe: ConcurrencyProbe,
    log: EventLog,
}

impl Service {
    /// A service where fetching id `ids[i]` takes `delays[i]` ms.
    fn new(ids: &[u32], delays: &[u64]) -> Service {
        Service {
            delays: ids.iter().copied().zip(delays.iter().copied()).collect(),
            probe: ConcurrencyProbe::new(),
            log: EventLog::new(),
        }
    }

    /// The `fetch` function handed to `fetch_all`.
    fn fetch(&self) -> impl FnMut(u32) -> std::pin::Pin<Box<dyn Future<Output = u32>>> {
        let delays = self.delays.clone();
        let probe = self.probe.clone();
        let log = self.log.clone();
        move |id| {
            let delay = *delays.get(&id).unwrap_or_else(|| {
                panic!("fetch was called with id {id}, which the stream never yielded")
            });
            let probe = probe.clone();
            let log = log.clone();
            // Lazy: nothing is counted or logged until the future is polled.
            Box::pin(async move {
                let _in_flight = probe.enter();
                log.record(format!("fetch {id} starts"));
                sleep(ms(delay)).await;
                log.record(format!("fetch {id} done"));
                id * 10
            })
        }
    }
}

/// A stream that yields `ids` at once, one after the other.
fn ready_ids(ids: &[u32]) -> impl Stream<Item = u32> {
    stream::iter(ids.to_vec())
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_input_order() {
    // The first id is the slowest: in completion order, the results would
    // come back reversed.
    let ids = [1, 2, 3, 4, 5, 6];
    let service = Service::new(&ids, &[600, 500, 400, 300, 200, 100]);

    let results = no_hang(
        "fetch_all(6 ids, limit 3)",
        fetch_all(ready_ids(&ids), 3, service.fetch()),
    )
    .await;

    let expected: Vec<u32> = ids.iter().map(|id| id * 10).collect();
    assert_eq!(
        results, expected,
        "fetch_all(ids [1, 2, 3, 4, 5, 6], limit 3), where the first id is the slowest to \
         fetch, returned {results:?}, expected {expected:?}: the result of each id, in the \
         order the ids came. Results in the order the fetches *finished* usually mean \
         `buffer_unordered` (or a JoinSet / FuturesUnordered) instead of `buffered`."
    );
    assert_no_leaked_tasks("fetch_all returned").await;
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_fetches_at_once() {
    let ids: Vec<u32> = (1..=10).collect();
    let service = Service::new(&ids, &[100; 10]);

    let results = no_hang(
        "fetch_all(10 ids, limit 3)",
        fetch_all(ready_ids(&ids), 3, service.fetch()),
    )
    .await;

    assert_eq!(
        results.len(),
        10,
        "fetch_all(10 ids, limit 3) returned {} results, expected one per id: {results:?}",
        results.len()
    );
    service
        .probe
        .assert_peak_at_most(3, "fetch_all(10 ids of 100ms each, limit 3)");
    let peak = service.probe.peak();
    assert_eq!(
        peak, 3,
        "fetch_all(10 ids of 100ms each, limit 3) never had more than {peak} fetch(es) in \
         flight, but it may run 3 at once. Fetching one id at a time (awaiting each fetch \
         before starting the next, as `then` does) wastes the limit: `buffered(limit)` \
         keeps `limit` fetches running."
    );
}

#[tokio::test(start_paused = true)]
async fn finishes_at_the_time_the_limit_implies() {
    // limit 2: ids 1 and 2 start at 0ms. Id 1 is done at 100ms, so id 3
    // starts then (and is done at 200ms). Id 2 is done at 300ms; then ids 4
    // and 5 run, done at 400ms.
    let ids = [1, 2, 3, 4, 5];
    let service = Service::new(&ids, &[100, 300, 100, 100, 100]);

    let watch = Stopwatch::start();
    let results = no_hang(
        "fetch_all(5 ids, limit 2)",
        fetch_all(ready_ids(&ids), 2, service.fetch()),
    )
    .await;

    assert_eq!(
        results,
        [10, 20, 30, 40, 50],
        "fetch_all(ids [1, 2, 3, 4, 5], limit 2) returned {results:?}, expected [10, 20, 30, \
         40, 50]: the result of each id, in the order of the ids (not in the order the \
         fetches finished)."
    );
    watch.assert_elapsed(
        ms(400),
        "fetch_all(fetches of 100, 300, 100, 100 and 100ms, limit 2)",
        "With 2 fetches in flight at all times, the next fetch starts as soon as a slot \
         frees up, and the five fetches are done at 400ms. 500ms means fixed batches (2, \
         then 2, then 1: a batch waits for its slowest fetch before the next batch \
         starts); 700ms means one fetch at a time; 300ms means all at once, with no limit.",
    );
}

#[tokio::test(start_paused = true)]
async fn fetching_starts_as_soon_as_the_first_id_arrives() {
    // The ids trickle in: one every 100ms, at 100, 200, 300 and 400ms. Each
    // fetch takes 50ms, so it is done before the next id arrives.
    let ids = [1, 2, 3, 4];
    let service = Service::new(&ids, &[50; 4]);
    let log = service.log.clone();
    let trickle = stream::iter(ids).then(move |id| {
        let log = log.clone();
        async move {
            sleep(ms(100)).await;
            log.record(format!("id {id} arrives"));
            id
        }
    });

    let watch = Stopwatch::start();
    let results = no_hang(
        "fetch_all(a stream that yields an id every 100ms, limit 2)",
        fetch_all(trickle, 2, service.fetch()),
    )
    .await;

    assert_eq!(
        results,
        [10, 20, 30, 40],
        "fetch_all(ids 1 to 4, arriving one every 100ms, limit 2) returned {results:?}."
    );
    watch.assert_elapsed(
        ms(450),
        "fetch_all(4 ids arriving one every 100ms, fetches of 50ms, limit 2)",
        "Each id should be fetched as soon as it arrives, so the last fetch (id 4 arrives \
         at 400ms) is done at 450ms. More means fetches waited for ids they did not need: \
         the whole stream collected into a Vec before the first fetch (500ms), ids gathered \
         into batches (`chunks`), or each fetch awaited before the next id is pulled \
         (600ms). Let `buffered` pull ids from the stream itself, as they come.",
    );
    insta::with_settings!({
        description => "fetch_all on a stream that yields ids 1 to 4 at 100, 200, 300 and \
            400ms; each fetch takes 50ms; limit 2. Every fetch should start the moment its \
            id arrives. If all the ids arrive before the first fetch starts, the stream \
            was collected first.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("trickle_schedule", service.log.to_string());
    });
}

#[tokio::test(start_paused = true)]
async fn an_empty_stream_gives_an_empty_vec() {
    let service = Service::new(&[], &[]);
    let watch = Stopwatch::start();
    let results = no_hang(
        "fetch_all(an empty stream, limit 3)",
        fetch_all(ready_ids(&[]), 3, service.fetch()),
    )
    .await;
    assert!(
        results.is_empty(),
        "fetch_all(an empty stream) returned {results:?}, expected an empty Vec."
    );
    watch.assert_elapsed(
        ms(0),
        "fetch_all(an empty stream)",
        "There is nothing to fetch, so nothing to wait for.",
    );
    assert_eq!(
        service.probe.started(),
        0,
        "fetch_all(an empty stream) started a fetch, but there was no id to fetch."
    );
}
