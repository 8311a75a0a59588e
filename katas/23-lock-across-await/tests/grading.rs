//! Grading tests for kata 23: a lock held across `.await`.
//!
//! Every test runs on a paused clock: a load of 1 s takes exactly 1 s of
//! virtual time, so "did these two loads overlap?" is a question about
//! exact elapsed time. A deadlock leaves the runtime idle, and the hang guard
//! turns it into a failure after 60 s of virtual time, in microseconds.
//!
//! The cache futures are driven with `join!` here, never spawned: whether
//! they are `Send` is checked by `tests/spawnable.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use kata_23_lock_across_await::Cache;
use kata_support::{fmt_duration, ms, no_hang, Stopwatch};
use tokio::time::{sleep, Instant};

/// Every call of the loader: when (virtual ms since the cache was made) and
/// for which key.
#[derive(Clone)]
struct Loads {
    start: Instant,
    calls: Arc<Mutex<Vec<(u64, String)>>>,
}

impl Loads {
    fn record(&self, key: &str) {
        let at = self.start.elapsed().as_millis() as u64;
        self.calls.lock().unwrap().push((at, key.to_string()));
    }

    fn count(&self, key: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, k)| k == key)
            .count()
    }

    fn describe(&self) -> String {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|(at, key)| format!("at {at}ms: the loader is called for {key:?}\n"))
            .collect()
    }
}

/// The cache under test, with a loader that knows these keys:
///
/// - `"a"`: 100ms, 20; `"b"`: 100ms, 22;
/// - `"sum"`: reads `"a"` and then `"b"` *through the cache*, returns a + b;
/// - `"slow-a"`, `"slow-b"`: 1s, values 1 and 2;
/// - `"k0"` to `"k9"`: `"kN"` takes (10 - N) × 100ms, value N × 10.
fn cache() -> (Cache, Loads) {
    let loads = Loads {
        start: Instant::now(),
        calls: Arc::default(),
    };
    let record = loads.clone();
    let cache = Cache::new(move |key, cache| {
        record.record(key);
        Box::pin(async move {
            match key {
                "a" => {
                    sleep(ms(100)).await;
                    20
                }
                "b" => {
                    sleep(ms(100)).await;
                    22
                }
                "sum" => {
                    let a = cache.get_or_load("a").await;
                    let b = cache.get_or_load("b").await;
                    a + b
                }
                "slow-a" => {
                    sleep(Duration::from_secs(1)).await;
                    1
                }
                "slow-b" => {
                    sleep(Duration::from_secs(1)).await;
                    2
                }
                _ => {
                    let n: u64 = key
                        .strip_prefix('k')
                        .and_then(|n| n.parse().ok())
                        .unwrap_or_else(|| panic!("the test's loader has no key {key:?}"));
                    sleep(ms((10 - n) * 100)).await;
                    n as u32 * 10
                }
            }
        })
    });
    (cache, loads)
}

#[tokio::test(start_paused = true)]
async fn a_loader_can_get_another_key_through_the_cache() {
    let (cache, loads) = cache();

    let watch = Stopwatch::start();
    let sum = no_hang(
        "get_or_load(\"sum\"), whose loader calls get_or_load(\"a\") and get_or_load(\"b\") on the same cache,",
        cache.get_or_load("sum"),
    )
    .await;

    assert_eq!(
        sum, 42,
        "get_or_load(\"sum\") returned {sum}, expected 42 (a = 20 plus b = 22, both read \
         through the cache by sum's loader). A 0 usually means a lookup found the lock \
         busy and gave up with a default (try_lock) instead of doing its work."
    );
    watch.assert_elapsed(
        ms(200),
        "get_or_load(\"sum\")",
        "Its loader loads a (100ms) and then b (100ms), so it takes 200ms.",
    );
    let outcome = format!(
        "{}get_or_load(\"sum\") = {sum} at {}",
        loads.describe(),
        fmt_duration(watch.elapsed())
    );
    insta::assert_snapshot!("nested_load", outcome);
}

#[tokio::test(start_paused = true)]
async fn two_independent_loads_run_concurrently() {
    let (cache, _loads) = cache();

    let watch = Stopwatch::start();
    let (a, b) = no_hang(
        "loading \"slow-a\" and \"slow-b\" at the same time",
        async { tokio::join!(cache.get_or_load("slow-a"), cache.get_or_load("slow-b")) },
    )
    .await;

    assert_eq!(
        (a, b),
        (1, 2),
        "loading \"slow-a\" and \"slow-b\" at the same time returned ({a}, {b}), expected \
         (1, 2). A 0 usually means a caller found the lock busy and gave up with a default \
         (try_lock) instead of loading its key."
    );
    watch.assert_elapsed(
        Duration::from_secs(1),
        "loading \"slow-a\" and \"slow-b\" (1s each) at the same time",
        "Loads of different keys must overlap, so both are done at 1s. 2s means the second \
         load waited for the first: is one lock held around both loads? Release the lock \
         before awaiting the loader.",
    );
}

#[tokio::test(start_paused = true)]
async fn cached_keys_are_served_while_another_key_loads() {
    let (cache, _loads) = cache();
    no_hang("get_or_load(\"a\")", cache.get_or_load("a")).await;

    let watch = Stopwatch::start();
    let read_a = async {
        let value = cache.get_or_load("a").await;
        (value, watch.elapsed())
    };
    let (_, (a, read_after)) = no_hang(
        "get_or_load(\"slow-a\") and, meanwhile, get_or_load(\"a\") of a cached key",
        async { tokio::join!(cache.get_or_load("slow-a"), read_a) },
    )
    .await;

    assert_eq!(
        a, 20,
        "get_or_load(\"a\") of a cached key returned {a}, expected 20."
    );
    assert!(
        read_after.is_zero(),
        "get_or_load(\"a\"), already cached, took {} while \"slow-a\" was loading, \
         expected 0ms: it waited for the 1s load of a different key. Is the lock held \
         while the loader runs? Hold it only to look up and to insert.",
        fmt_duration(read_after)
    );
}

#[tokio::test(start_paused = true)]
async fn a_cached_key_is_not_loaded_again() {
    let (cache, loads) = cache();
    let first = no_hang("get_or_load(\"a\")", cache.get_or_load("a")).await;

    let watch = Stopwatch::start();
    let second = no_hang("get_or_load(\"a\") a second time", cache.get_or_load("a")).await;

    assert_eq!(
        (first, second),
        (20, 20),
        "get_or_load(\"a\") twice returned {first} and {second}, expected 20 both times."
    );
    assert_eq!(
        loads.count("a"),
        1,
        "the loader was called {} times for \"a\", expected once: the second \
         get_or_load(\"a\") must find the value stored by the first.",
        loads.count("a")
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "get_or_load(\"a\") of a cached key",
        "A cached value is returned without loading anything.",
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_loads_of_different_keys_are_all_kept() {
    let (cache, loads) = cache();
    // k0 takes 1s, k9 100ms: they finish in the reverse of the order they start.
    let keys: Vec<String> = (0..10).map(|n| format!("k{n}")).collect();

    let watch = Stopwatch::start();
    let values = no_hang(
        "loading \"k0\" to \"k9\" at the same time",
        join_all(keys.iter().map(|key| cache.get_or_load(key))),
    )
    .await;

    let expected: Vec<u32> = (0..10).map(|n| n * 10).collect();
    assert_eq!(
        values, expected,
        "loading \"k0\" to \"k9\" at the same time returned {values:?}, expected {expected:?}."
    );
    watch.assert_elapsed(
        Duration::from_secs(1),
        "loading \"k0\" to \"k9\" at the same time",
        "The ten loads should overlap, so the slowest (k0, 1s) decides. More means loads \
         waited for each other: is a lock held while the loader runs?",
    );

    // Every key must now be cached: reading them again must not load anything.
    no_hang(
        "reading \"k0\" to \"k9\" again",
        join_all(keys.iter().map(|key| cache.get_or_load(key))),
    )
    .await;
    let reloaded: Vec<&String> = keys.iter().filter(|key| loads.count(key) > 1).collect();
    assert!(
        reloaded.is_empty(),
        "after loading \"k0\" to \"k9\" at the same time, {reloaded:?} were no longer in \
         the cache and had to be loaded again: an update was lost. Was a copy of the map \
         taken before the load and written back after it, overwriting the keys other \
         callers inserted meanwhile? Insert only your own key, into the map as it is now."
    );
}
