//! Grading tests for kata 23: a lock held across `.await`.
//!
//! Every test but one runs on a paused clock: a load of 1013ms takes exactly
//! 1013ms of virtual time, so "did these loads overlap?" is a question about
//! exact elapsed time, caller by caller. A deadlock leaves the runtime idle,
//! and the hang guard turns it into a failure in microseconds. One test
//! leaves the paused clock for a real multi-thread runtime, where callers on
//! different threads meet in the cache's lock.
//!
//! The loader is the test's: for each key it knows how long the load takes,
//! what it returns, and which other keys it reads *through the cache* (one
//! after the other, or at the same time). Keys, durations (odd numbers of
//! milliseconds), values and the moments callers arrive come from fixed
//! seeds; a failure names its seed and the command that replays it.
//!
//! The cache futures are driven with `join!`/`join_all` here, never
//! spawned: whether they are `Send` is checked by `tests/spawnable.rs`.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | the map's guard held across the loader's `.await` (the starter): a nested load deadlocks, loads take turns, cached reads wait | `a_loader_can_get_other_keys_through_the_cache`, `loads_of_different_keys_overlap`, `cached_keys_are_served_while_another_key_loads` |
//! | one extra "loading" lock held around every load | `loads_of_different_keys_overlap` (and the nested load deadlocks) |
//! | a read guard of a `RwLock` held across the load, the write lock taken to insert: a finished load waits for every other load, and readers queue behind it | `loads_of_different_keys_overlap`, `cached_keys_are_served_while_another_key_loads` |
//! | `try_lock` that gives up with a default value when the lock is busy | `a_loader_can_get_other_keys_through_the_cache` |
//! | a copy of the map taken before the load and written back after it (lost update) | `every_loaded_value_is_kept` |
//! | the loaded value returned but never stored | `a_cached_key_is_not_loaded_again` |
//! | a cached 0 taken for "missing" (`unwrap_or_default()` then `!= 0`), so that key is loaded on every call | `a_cached_key_is_not_loaded_again` |
//! | a cache capped at some size (256, 1000) that evicts keys: a loaded value is forgotten | `hundreds_of_keys_are_all_kept` |
//! | de-duplicated loads whose waiters are never woken when the loading caller gives up | `a_caller_waiting_for_a_load_that_is_given_up_is_not_stranded` |
//! | the insert done with `try_lock`, skipped when another thread holds the lock ("it is only a cache") | `a_value_loaded_while_another_thread_holds_the_lock_is_kept` |
//! | a std `MutexGuard` held across the `.await`: the future is not `Send` | `spawnable` (does not compile), `compile_checks` (the compiler names the learner's code) |
//! | a "loading" marker that a caller who gives up (its future dropped) leaves behind, so the key can never be loaded again | `a_caller_that_gives_up_leaves_the_cache_usable` |
//! | callers waiting for a key another caller is loading check again on a timer (a sleep loop), or spin (`yield_now` in a loop) | `callers_of_the_same_key_wait_without_polling` |
//! | a caller waiting for a key another caller is loading keeps the map's lock while it waits (map guard held while awaiting a per-key lock or slot): cached reads and other keys stall, and the loader's own nested read deadlocks | `callers_waiting_for_a_key_hold_up_no_one_else` |
//! | a placeholder value (0) inserted to mark a load in progress: other callers read it as the value | `callers_of_the_same_key_wait_without_polling`, `a_caller_that_gives_up_leaves_the_cache_usable` |

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use kata_23_lock_across_await::Cache;
use kata_support::{
    ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_nothing_left_running, cancel_after,
    for_each_seed, ms, no_hang, no_spin, within_else,
};
use tokio::time::{Instant, sleep};

/// What the test's loader does for one key.
#[derive(Debug, Clone)]
struct Plan {
    /// How long the load itself takes (an odd number of ms, or 0).
    ms: u64,
    /// What the load returns, plus the values of `deps`.
    value: u32,
    /// Keys the loader reads through the cache while loading this one.
    deps: Vec<String>,
    /// Read `deps` at the same time (`join_all`) rather than one by one.
    together: bool,
    /// Read `deps` before the load's own wait rather than after it.
    deps_first: bool,
}

impl Plan {
    fn plain(ms: u64, value: u32) -> Plan {
        Plan {
            ms,
            value,
            deps: Vec::new(),
            together: false,
            deps_first: false,
        }
    }
}

type Plans = HashMap<String, Plan>;

/// Every call of the loader: when (virtual ms since the cache was made) and
/// for which key.
#[derive(Clone)]
struct Loads {
    start: Instant,
    calls: Arc<Mutex<Vec<(u64, String)>>>,
}

impl Loads {
    fn count(&self, key: &str) -> usize {
        let calls = self.calls.lock().unwrap();
        calls.iter().filter(|(_, k)| k == key).count()
    }

    fn total(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    fn describe(&self) -> String {
        let calls = self.calls.lock().unwrap();
        if calls.is_empty() {
            return "  (the loader was never called)\n".to_string();
        }
        calls
            .iter()
            .map(|(at, key)| format!("  at {at}ms: the loader was called for {key:?}\n"))
            .collect()
    }
}

/// The cache under test, with a loader that follows `plans`. Each load is
/// drawn on the timeline as `load <key>`, from the loader's first poll to
/// its end (its reads through the cache included).
fn cache_with(plans: Plans) -> (Cache, Loads) {
    let loads = Loads {
        start: Instant::now(),
        calls: Arc::default(),
    };
    let record = loads.clone();
    let plans = Arc::new(plans);
    let cache = Cache::new(move |key, cache| {
        let at = record.start.elapsed().as_millis() as u64;
        record.calls.lock().unwrap().push((at, key.to_string()));
        let plans = plans.clone();
        let load = async move {
            let plan = plans
                .get(key)
                .unwrap_or_else(|| panic!("the test's loader has no key {key:?}"))
                .clone();
            if !plan.deps_first {
                sleep(ms(plan.ms)).await;
            }
            let deps: u32 = if plan.together {
                join_all(plan.deps.iter().map(|dep| cache.get_or_load(dep)))
                    .await
                    .into_iter()
                    .sum()
            } else {
                let mut sum = 0;
                for dep in &plan.deps {
                    sum += cache.get_or_load(dep).await;
                }
                sum
            };
            if plan.deps_first {
                sleep(ms(plan.ms)).await;
            }
            plan.value + deps
        };
        Box::pin(Timeline::current().span(format!("load {key}"), load))
    });
    (cache, loads)
}

/// `count` different key names, in no particular order.
fn names(rng: &mut Rng, prefix: &str, count: usize) -> Vec<String> {
    let words = ["user", "price", "stock", "rate", "quota", "config", "sku"];
    let mut picked = BTreeSet::new();
    while picked.len() < count {
        picked.insert(format!(
            "{prefix}{}-{}",
            rng.pick(&words),
            rng.range(1, 999)
        ));
    }
    let mut names: Vec<String> = picked.into_iter().collect();
    rng.shuffle(&mut names);
    names
}

/// `count` plain keys (no dependencies) with different odd durations in
/// `lo..=hi` and values.
fn plain_keys(rng: &mut Rng, prefix: &str, count: usize, lo: u64, hi: u64) -> Vec<(String, Plan)> {
    let durations = rng.distinct_odd_ms(count, lo, hi);
    names(rng, prefix, count)
        .into_iter()
        .zip(durations)
        .map(|(name, ms)| {
            let value = rng.range(1, 9_999) as u32;
            (name, Plan::plain(ms, value))
        })
        .collect()
}

/// The value `key` must have: its own plus its dependencies'.
fn value_of(plans: &Plans, key: &str) -> u32 {
    let plan = &plans[key];
    plan.value + plan.deps.iter().map(|d| value_of(plans, d)).sum::<u32>()
}

/// How long `get_or_load(key)` takes when the keys in `cached` are cached
/// already (and adds what it loads to `cached`). The dependency trees of
/// these tests never share a key, so there is one right answer.
fn duration_of(plans: &Plans, key: &str, cached: &mut BTreeSet<String>) -> u64 {
    if cached.contains(key) {
        return 0;
    }
    let plan = &plans[key];
    let deps: Vec<u64> = plan
        .deps
        .iter()
        .map(|dep| duration_of(plans, dep, cached))
        .collect();
    cached.insert(key.to_string());
    let deps = if plan.together {
        deps.into_iter().max().unwrap_or(0)
    } else {
        deps.into_iter().sum()
    };
    plan.ms + deps
}

/// Draws the loads `get_or_load(key)` should make when called at `at`
/// with the keys in `cached` cached already (and adds what it loads to
/// `cached`), the way [`duration_of`] counts them: a key's load runs from
/// the call until its own wait and its reads of other keys are done.
/// Returns when it is done.
fn expect_loads(
    plans: &Plans,
    key: &str,
    at: u64,
    cached: &mut BTreeSet<String>,
) -> Vec<(String, u64, u64)> {
    if cached.contains(key) {
        return Vec::new();
    }
    let plan = &plans[key];
    let mut now = at;
    if !plan.deps_first {
        now += plan.ms;
    }
    let mut bars = vec![(format!("load {key}"), at, 0)];
    let reads_from = now;
    for dep in &plan.deps {
        let start = if plan.together { reads_from } else { now };
        let dep_bars = expect_loads(plans, dep, start, cached);
        let end = dep_bars.first().map_or(start, |(_, _, end)| *end);
        now = now.max(end);
        bars.extend(dep_bars);
    }
    if plan.deps_first {
        now += plan.ms;
    }
    cached.insert(key.to_string());
    bars[0].2 = now;
    bars
}

/// A tree of keys under `root`: each key's loader reads its children
/// through the cache. No key appears twice.
fn tree(rng: &mut Rng, root: &str) -> Plans {
    let mut plans = Plans::new();
    let mut todo = vec![(root.to_string(), 0)];
    let mut fresh = names(rng, "", 12).into_iter();
    while let Some((key, depth)) = todo.pop() {
        let children = match depth {
            0 => rng.range(1, 3),
            1 | 2 => rng.range(0, 2),
            _ => 0,
        };
        let deps: Vec<String> = (0..children).filter_map(|_| fresh.next()).collect();
        for dep in &deps {
            todo.push((dep.clone(), depth + 1));
        }
        let ms = if rng.chance(1, 5) {
            0
        } else {
            rng.odd_ms(11, 499)
        };
        plans.insert(
            key,
            Plan {
                ms,
                value: rng.range(1, 999) as u32,
                deps,
                together: rng.chance(1, 2),
                deps_first: rng.chance(1, 2),
            },
        );
    }
    plans
}

#[tokio::test(start_paused = true)]
async fn a_loader_can_get_other_keys_through_the_cache() {
    for_each_seed(32, |mut rng| async move {
        let plans = tree(&mut rng, "report");
        let describe_plan = |plans: &Plans| {
            let mut keys: Vec<&String> = plans.keys().collect();
            keys.sort();
            keys.iter()
                .map(|key| {
                    let plan = &plans[*key];
                    let reads = if plan.deps.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", reads {:?} through the cache {}",
                            plan.deps,
                            if plan.together {
                                "at the same time"
                            } else {
                                "one after the other"
                            }
                        )
                    };
                    format!(
                        "  {key:?}: loads for {}ms, value {}{reads}\n",
                        plan.ms, plan.value
                    )
                })
                .collect::<String>()
        };
        let plan_text = describe_plan(&plans);
        let (cache, loads) = cache_with(plans.clone());

        // Some keys of the tree are in the cache already.
        let mut cached = BTreeSet::new();
        let mut warm: Vec<&String> = plans
            .iter()
            .filter(|(key, plan)| *key != "report" && plan.deps.is_empty())
            .map(|(key, _)| key)
            .collect();
        warm.sort();
        for key in warm {
            if rng.chance(1, 3) {
                no_hang(
                    "get_or_load of a key with no dependencies",
                    cache.get_or_load(key),
                )
                .await;
                cached.insert(key.clone());
            }
        }
        let expected_ms = duration_of(&plans, "report", &mut cached.clone());
        let expected = value_of(&plans, "report");

        // Every load of the tree, each starting when the loader that reads
        // it asks for it, in the order they start.
        let timeline = Timeline::start(
            "get_or_load(\"report\"), whose loader reads other keys through the cache",
        );
        timeline.expect("get report", ms(0), ms(expected_ms));
        let mut loads_expected = expect_loads(&plans, "report", 0, &mut cached.clone());
        loads_expected.sort_by_key(|(_, start, _)| *start);
        for (bar, start, end) in loads_expected {
            timeline.expect(bar, ms(start), ms(end));
        }

        let watch = Stopwatch::start();
        // A load that hangs stays alive until the guard has looked at where
        // it waits, and is drawn as still running.
        let value = within_else(
            ms(60_000),
            "get_or_load(\"report\")",
            timeline.span("get report", cache.get_or_load("report")),
            || {
                format!(
                    "get_or_load(\"report\") never finished: still waiting after 60s of virtual \
                     time. Its loader reads other keys through the same cache, with these \
                     keys:\n{plan_text}already cached: {cached:?}\nloader calls so far:\n{}\
                     A load that calls get_or_load for another key waits for a lock its own \
                     caller holds: a deadlock. Hold the lock only to look up and to insert, \
                     never while the loader runs.",
                    loads.describe()
                )
            },
        )
        .await;
        assert_eq!(
            value,
            expected,
            "get_or_load(\"report\") returned {value}, expected {expected} (its value plus the \
             values of the keys its loader reads through the cache). The keys:\n{plan_text}\
             already cached: {cached:?}\nloader calls:\n{}A wrong sum usually means a lookup \
             found the lock busy and gave up with a default (try_lock) instead of doing its \
             work.",
            loads.describe()
        );
        watch.assert_elapsed(
            ms(expected_ms),
            "get_or_load(\"report\")",
            &format!(
                "Its loader reads the keys below through the cache; cached keys take no time, \
                 keys read at the same time overlap. The keys:\n{plan_text}already cached: \
                 {cached:?}\nloader calls:\n{}",
                loads.describe()
            ),
        );
        let mut keys: Vec<&String> = plans.keys().collect();
        keys.sort();
        for key in keys {
            let calls = loads.count(key);
            assert_eq!(
                calls,
                1,
                "the loader was called {calls} times for {key:?}, expected once (keys already \
                 cached before get_or_load(\"report\"): {cached:?}; every other key is loaded \
                 once, by the loader that reads it). Loader calls:\n{}",
                loads.describe()
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn loads_of_different_keys_overlap() {
    for_each_seed(24, |mut rng| async move {
        let count = rng.range(2, 7) as usize;
        let keys = plain_keys(&mut rng, "", count, 101, 1999);
        let plans: Plans = keys.iter().cloned().collect();
        let (cache, loads) = cache_with(plans);
        // Callers arrive at different odd moments, all before the first
        // load is done.
        let arrivals: Vec<u64> = keys
            .iter()
            .map(|_| {
                if rng.chance(1, 3) {
                    0
                } else {
                    rng.odd_ms(1, 99)
                }
            })
            .collect();

        // Each load runs from its caller's arrival, side by side.
        let timeline = Timeline::start(format!("{count} callers loading different keys at once"));
        for ((key, plan), arrives) in keys.iter().zip(&arrivals) {
            timeline.expect(format!("load {key}"), ms(*arrives), ms(arrives + plan.ms));
        }
        let watch = Stopwatch::start();
        let calls = keys.iter().zip(&arrivals).map(|((key, _), arrives)| {
            let cache = &cache;
            async move {
                sleep(ms(*arrives)).await;
                let what = format!("get_or_load({key:?}) while other keys load");
                let value = no_spin(&what, cache.get_or_load(key)).await;
                (value, watch.elapsed_ms())
            }
        });
        let results = no_hang(
            "callers loading different keys at the same time",
            join_all(calls),
        )
        .await;

        let schedule: String = keys
            .iter()
            .zip(&arrivals)
            .zip(&results)
            .map(|(((key, plan), arrives), (_, done))| {
                format!(
                    "  get_or_load({key:?}) called at {arrives}ms, its load takes {}ms: \
                     returned at {done}ms\n",
                    plan.ms
                )
            })
            .collect();
        for (((key, plan), arrives), (value, done)) in keys.iter().zip(&arrivals).zip(&results) {
            assert_eq!(
                *value, plan.value,
                "get_or_load({key:?}) returned {value}, expected {}. Callers loading other \
                 keys at the same time:\n{schedule}A wrong value usually means a caller found \
                 the lock busy and gave up with a default.",
                plan.value
            );
            assert_eq!(
                *done,
                arrives + plan.ms,
                "get_or_load({key:?}), called at {arrives}ms with a load of {}ms, returned at \
                 {done}ms, expected {}ms. Loads of different keys must overlap, each caller \
                 waiting only for its own load:\n{schedule}Later means it waited for other \
                 loads: is a lock held while the loader runs (the map's guard, a \"loading\" \
                 lock, or a read guard that the insert's write lock must wait for)? Release \
                 every lock before awaiting the loader.\nLoader calls:\n{}",
                plan.ms,
                arrives + plan.ms,
                loads.describe()
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn cached_keys_are_served_while_another_key_loads() {
    for_each_seed(16, |mut rng| async move {
        let cached_keys = plain_keys(&mut rng, "hot-", 3, 11, 99);
        let slow = plain_keys(&mut rng, "slow-", 2, 601, 1999);
        let plans: Plans = cached_keys.iter().chain(&slow).cloned().collect();
        let (cache, loads) = cache_with(plans.clone());
        for (key, _) in &cached_keys {
            no_hang("get_or_load of a key to cache it", cache.get_or_load(key)).await;
        }
        let loaded_before = loads.total();

        // Two slow loads at once; while they run (also after the shorter
        // one is done), cached keys are read at odd moments.
        let longest = slow.iter().map(|(_, plan)| plan.ms).max().unwrap();
        let shortest = slow.iter().map(|(_, plan)| plan.ms).min().unwrap();
        let mut moments: Vec<u64> = (0..6).map(|_| rng.odd_ms(1, shortest - 1)).collect();
        if longest - shortest > 10 {
            moments.extend((0..3).map(|_| rng.odd_ms(shortest + 1, longest - 1)));
        }
        moments.sort();
        // The slow loads side by side; each read of a cached key answered
        // the moment it is asked (a tick).
        let timeline = Timeline::start("reads of cached keys while two slow keys load");
        for (key, plan) in &slow {
            timeline.expect(format!("load {key}"), ms(0), ms(plan.ms));
        }
        let watch = Stopwatch::start();
        let loading = join_all(slow.iter().map(|(key, _)| cache.get_or_load(key)));
        let reading = join_all(moments.iter().map(|at| {
            let (key, plan) = rng.pick(&cached_keys).clone();
            timeline.expect(format!("get {key}"), ms(*at), ms(*at));
            let cache = &cache;
            async move {
                sleep(ms(*at)).await;
                let asked = watch.elapsed_ms();
                let value = timeline
                    .span(format!("get {key}"), cache.get_or_load(&key))
                    .await;
                (key, plan.value, value, asked, watch.elapsed_ms())
            }
        }));
        let (_, reads) = no_hang("slow loads and, meanwhile, reads of cached keys", async {
            tokio::join!(loading, reading)
        })
        .await;

        let slow_text: String = slow
            .iter()
            .map(|(key, plan)| format!("{key:?} ({}ms)", plan.ms))
            .collect::<Vec<_>>()
            .join(" and ");
        for (key, expected, value, asked, done) in reads {
            assert_eq!(
                value, expected,
                "get_or_load({key:?}) of a cached key returned {value}, expected {expected}."
            );
            assert_eq!(
                done, asked,
                "get_or_load({key:?}), a key already in the cache, was called at {asked}ms \
                 while {slow_text} were loading, and returned at {done}ms, expected at once \
                 ({asked}ms). It waited for the loads of other keys: is a lock held while the \
                 loader runs? Hold it only to look up and to insert."
            );
        }
        assert_eq!(
            loads.total() - loaded_before,
            slow.len(),
            "reading cached keys called the loader again:\n{}",
            loads.describe()
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_cached_key_is_not_loaded_again() {
    for_each_seed(16, |mut rng| async move {
        let count = rng.range(1, 5) as usize;
        let mut keys = plain_keys(&mut rng, "", count, 11, 999);
        // One key's value is 0: a value like any other, and cached like any
        // other.
        let zero = rng.below(count as u64) as usize;
        keys[zero].1.value = 0;
        let (cache, loads) = cache_with(keys.iter().cloned().collect());
        for (key, _) in &keys {
            no_hang("get_or_load", cache.get_or_load(key)).await;
        }

        // Read them again: one at a time, then all at once, in another order.
        // Nothing is loaded: a load drawn here is a key loaded again.
        Timeline::start(format!("reading {count} cached keys again"));
        let watch = Stopwatch::start();
        let mut again: Vec<&(String, Plan)> = keys.iter().collect();
        rng.shuffle(&mut again);
        for (key, plan) in &again {
            let value = no_hang("get_or_load of a cached key", cache.get_or_load(key)).await;
            assert_eq!(
                value, plan.value,
                "get_or_load({key:?}) the second time returned {value}, expected {}.",
                plan.value
            );
        }
        rng.shuffle(&mut again);
        let values = no_hang(
            "get_or_load of cached keys at the same time",
            join_all(again.iter().map(|(key, _)| cache.get_or_load(key))),
        )
        .await;
        let expected: Vec<u32> = again.iter().map(|(_, plan)| plan.value).collect();
        assert_eq!(
            values, expected,
            "get_or_load of cached keys returned {values:?}, expected {expected:?}."
        );
        for (key, _) in &keys {
            let calls = loads.count(key);
            assert_eq!(
                calls,
                1,
                "the loader was called {calls} times for {key:?} (its value is {}), expected \
                 once: after the first get_or_load({key:?}), the value must be in the cache, and \
                 later calls return it without loading. Is the loaded value inserted into the \
                 map? If only the key whose value is 0 was loaded again: 0 is a value, not \
                 \"missing\"; look the key up with get() and test for None, not \
                 unwrap_or_default() and != 0.\nLoader calls:\n{}",
                keys.iter().find(|(k, _)| k == key).unwrap().1.value,
                loads.describe()
            );
        }
        watch.assert_elapsed(
            Duration::ZERO,
            "reading cached keys again",
            "A cached value is returned without loading anything.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn every_loaded_value_is_kept() {
    for_each_seed(24, |mut rng| async move {
        let count = rng.range(3, 8) as usize;
        let keys = plain_keys(&mut rng, "", count, 11, 1499);
        let (cache, loads) = cache_with(keys.iter().cloned().collect());

        // Each key loaded once, from its caller's arrival; reading them
        // again afterwards loads nothing (a load drawn after these is a key
        // whose value was lost).
        let timeline = Timeline::start(format!(
            "{count} keys loaded by overlapping callers, then read again"
        ));
        // Callers arrive at different moments, so loads start and finish in
        // different orders.
        let calls = keys.iter().map(|(key, plan)| {
            let arrives = if rng.chance(1, 2) {
                0
            } else {
                rng.odd_ms(1, 699)
            };
            timeline.expect(format!("load {key}"), ms(arrives), ms(arrives + plan.ms));
            let cache = &cache;
            async move {
                sleep(ms(arrives)).await;
                cache.get_or_load(key).await
            }
        });
        no_hang(
            "callers loading different keys at different moments",
            join_all(calls),
        )
        .await;

        let watch = Stopwatch::start();
        for (key, plan) in &keys {
            let value = no_hang("get_or_load of a key loaded before", cache.get_or_load(key)).await;
            assert_eq!(value, plan.value);
        }
        let reloaded: Vec<&String> = keys
            .iter()
            .map(|(key, _)| key)
            .filter(|key| loads.count(key) > 1)
            .collect();
        assert!(
            reloaded.is_empty() && watch.elapsed().is_zero(),
            "{count} keys were loaded by callers whose loads overlapped; afterwards \
             {reloaded:?} were no longer in the cache and had to be loaded again: their values \
             were lost. Was a copy of the map taken before the load and written back after \
             it, erasing the keys other callers inserted meanwhile? Insert only your own key, \
             into the map as it is now.\nLoader calls:\n{}",
            loads.describe()
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn hundreds_of_keys_are_all_kept() {
    for_each_seed(4, |mut rng| async move {
        // More keys than any cap a learner might pick (256, 300, 1000...).
        let count = rng.range(1100, 1500) as usize;
        let keys: Vec<(String, Plan)> = (0..count)
            .map(|n| {
                let ms = if rng.chance(1, 2) {
                    0
                } else {
                    rng.odd_ms(1, 99)
                };
                (
                    format!("item-{n}"),
                    Plan::plain(ms, rng.range(0, 9_999) as u32),
                )
            })
            .collect();
        let (cache, loads) = cache_with(keys.iter().cloned().collect());
        no_hang(
            "get_or_load of many keys at the same time",
            join_all(keys.iter().map(|(key, _)| cache.get_or_load(key))),
        )
        .await;
        let mut order: Vec<&(String, Plan)> = keys.iter().collect();
        rng.shuffle(&mut order);
        // Nothing is loaded: a load drawn here is a key that was evicted.
        Timeline::start(format!("reading {count} loaded keys again"));
        let watch = Stopwatch::start();
        for (key, plan) in order {
            let value = no_hang("get_or_load of a key loaded before", cache.get_or_load(key)).await;
            assert_eq!(
                value, plan.value,
                "get_or_load({key:?}) returned {value}, expected {}.",
                plan.value
            );
        }
        let reloaded = loads.total() - count;
        assert!(
            reloaded == 0 && watch.elapsed().is_zero(),
            "{count} different keys were loaded, then read again: {reloaded} of them had to be \
             loaded again, so their values were no longer cached. Does the cache have a size \
             limit and evict keys when it is full? The README asks that every loaded value is \
             kept."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_caller_waiting_for_a_load_that_is_given_up_is_not_stranded() {
    for_each_seed(16, |mut rng| async move {
        let (key, plan) = plain_keys(&mut rng, "", 1, 401, 1499).remove(0);
        let (cache, loads) = cache_with([(key.clone(), plan.clone())].into_iter().collect());
        // The first caller gives up in the middle of its load; others call
        // the same key before that (while the load runs).
        let gives_up = rng.odd_ms(201, plan.ms - 1);
        let waiters: Vec<u64> = (0..rng.range(1, 3)).map(|_| rng.odd_ms(1, 199)).collect();
        // The first caller's load is cut when it gives up; a waiter is done
        // a load's time after that at the latest.
        let timeline = Timeline::start(format!(
            "callers of one key, the first giving up after {gives_up}ms"
        ));
        timeline.expect("first caller", ms(0), ms(gives_up));
        timeline.expect(format!("load {key}"), ms(0), ms(gives_up));
        for (i, arrives) in waiters.iter().enumerate() {
            timeline.expect(format!("waiter {i}"), ms(*arrives), ms(gives_up + plan.ms));
        }
        let watch = Stopwatch::start();
        let first = cancel_after(
            ms(gives_up),
            timeline.span("first caller", cache.get_or_load(&key)),
        );
        let others = join_all(waiters.iter().enumerate().map(|(i, arrives)| {
            let (cache, key) = (&cache, &key);
            async move {
                sleep(ms(*arrives)).await;
                let get = timeline.span(format!("waiter {i}"), cache.get_or_load(key));
                let value = tokio::time::timeout(ms(60_000), get).await;
                (*arrives, value, watch.elapsed_ms())
            }
        }));
        let (gave_up, results) = tokio::join!(first, others);
        assert!(gave_up.is_none(), "a load finished faster than it takes");
        for (arrives, value, done) in results {
            let value = value.unwrap_or_else(|_| {
                panic!(
                    "get_or_load({key:?}), called at {arrives}ms while another caller was \
                     loading that key (a {}ms load started at 0ms), never returned (still \
                     waiting after 60s of virtual time). The loading caller gave up at \
                     {gives_up}ms (its future was dropped). A caller that waits for another \
                     caller's load must be woken also when that caller gives up, and then load \
                     the key itself: a guard that removes the \"loading\" entry must also wake \
                     its waiters (or use tokio::sync::OnceCell::get_or_init, which does it).\n\
                     Loader calls:\n{}",
                    plan.ms,
                    loads.describe()
                )
            });
            assert_eq!(
                value, plan.value,
                "get_or_load({key:?}) returned {value}, expected {}.",
                plan.value
            );
            assert!(
                done <= gives_up + plan.ms,
                "get_or_load({key:?}), called at {arrives}ms while another caller was loading \
                 it, returned at {done}ms; the loading caller gave up at {gives_up}ms, so it \
                 should have been done by {}ms at the latest (loading the key itself from then).",
                gives_up + plan.ms
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_gives_up_leaves_the_cache_usable() {
    for_each_seed(16, |mut rng| async move {
        let mut keys = plain_keys(&mut rng, "", 2, 301, 1499);
        let (nested_key, leaf) = keys.pop().unwrap();
        let (key, plan) = keys.pop().unwrap();
        // `wrapper`'s loader reads `nested_key` through the cache.
        let mut plans: Plans = [
            (key.clone(), plan.clone()),
            (nested_key.clone(), leaf.clone()),
        ]
        .into_iter()
        .collect();
        plans.insert(
            "wrapper".to_string(),
            Plan {
                ms: 0,
                value: 1,
                deps: vec![nested_key.clone()],
                together: false,
                deps_first: true,
            },
        );
        let (cache, loads) = cache_with(plans);

        // A caller gives up on `key` in the middle of its load (a timeout
        // around get_or_load), and another gives up on `wrapper` while the
        // nested load runs.
        let gives_up = rng.odd_ms(1, plan.ms - 1);
        let nested_gives_up = rng.odd_ms(1, leaf.ms - 1);
        // Both loads are cut when their callers give up.
        let timeline = Timeline::start("two callers giving up in the middle of their loads");
        timeline.expect(format!("load {key}"), ms(0), ms(gives_up));
        timeline.expect("load wrapper", ms(0), ms(nested_gives_up));
        timeline.expect(format!("load {nested_key}"), ms(0), ms(nested_gives_up));
        let (first, second) = tokio::join!(
            cancel_after(ms(gives_up), cache.get_or_load(&key)),
            cancel_after(ms(nested_gives_up), cache.get_or_load("wrapper")),
        );
        assert!(
            first.is_none() && second.is_none(),
            "a load finished faster than it takes"
        );
        assert_nothing_left_running("two callers of get_or_load gave up mid-load", ms(60_000))
            .await;

        // The keys can be loaded again, by new callers.
        for (what, key, expected, took) in [
            ("a caller gave up on it", key.as_str(), plan.value, plan.ms),
            (
                "a caller of \"wrapper\", whose loader was reading it, gave up",
                nested_key.as_str(),
                leaf.value,
                leaf.ms,
            ),
        ] {
            // Loaded again from scratch, by this caller.
            let timeline = Timeline::start(format!("get_or_load({key:?}) after {what}"));
            timeline.expect(format!("get {key}"), ms(0), ms(took));
            timeline.expect(format!("load {key}"), ms(0), ms(took));
            let watch = Stopwatch::start();
            let again = no_spin(
                &format!("get_or_load({key:?}) after {what}"),
                timeline.span(format!("get {key}"), cache.get_or_load(key)),
            );
            let value = tokio::time::timeout(ms(60_000), again)
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "get_or_load({key:?}) never finished (still waiting after 60s of \
                         virtual time). Earlier, {what} in the middle of its load: its future \
                         was dropped, as a timeout does. That must leave nothing behind: a \
                         \"loading\" marker that only the loading caller would clear makes \
                         everyone after it wait forever. Whatever marks a load in progress must \
                         be undone when that caller's future is dropped (a guard with Drop), or \
                         use something cancel safe (tokio::sync::OnceCell::get_or_init).\nLoader \
                         calls:\n{}",
                        loads.describe()
                    )
                });
            assert_eq!(
                value, expected,
                "get_or_load({key:?}) after {what} returned {value}, expected {expected}."
            );
            watch.assert_elapsed(
                ms(took),
                &format!("get_or_load({key:?}) after {what}"),
                "The first load never finished, so nothing was cached: the key is loaded again.",
            );
        }
        let value = no_hang("get_or_load(\"wrapper\")", cache.get_or_load("wrapper")).await;
        assert_eq!(value, 1 + leaf.value);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn callers_of_the_same_key_wait_without_polling() {
    for_each_seed(16, |mut rng| async move {
        let (key, plan) = plain_keys(&mut rng, "", 1, 401, 1499).remove(0);
        let (cache, loads) = cache_with([(key.clone(), plan.clone())].into_iter().collect());
        let callers = rng.range(2, 4) as usize;
        let mut arrivals: Vec<u64> = (1..callers).map(|_| rng.odd_ms(1, 97)).collect();
        arrivals.insert(0, 0);

        // One load, from the first caller; the others wait for it (loading
        // the key themselves, done a load's time after they arrive, is
        // allowed too).
        let timeline = Timeline::start(format!("{callers} callers of one key {key:?}"));
        timeline.expect(format!("load {key}"), ms(0), ms(plan.ms));
        for (i, arrives) in arrivals.iter().enumerate() {
            timeline.expect(format!("caller {i}"), ms(*arrives), ms(plan.ms));
        }
        let wakeups = Wakeups::start();
        let watch = Stopwatch::start();
        let calls = arrivals.iter().enumerate().map(|(i, arrives)| {
            let (cache, key) = (&cache, &key);
            async move {
                sleep(ms(*arrives)).await;
                let what = format!("get_or_load({key:?}) while another caller loads it");
                let get = timeline.span(format!("caller {i}"), cache.get_or_load(key));
                let value = no_spin(&what, get).await;
                (*arrives, value, watch.elapsed_ms())
            }
        });
        let results = no_hang("callers of the same key", join_all(calls)).await;
        // Each timer (a load's, a caller's arrival) may cost ONE_TIMER
        // wake-ups; nothing else needs the runtime.
        let allowed = ONE_TIMER * (2 * callers as u64 + 1);
        for (arrives, value, done) in &results {
            assert_eq!(
                *value, plan.value,
                "get_or_load({key:?}) returned {value}, expected {}.",
                plan.value
            );
            // Either this caller waits for the load already running (done
            // when it is done) or it loads the key itself: both are allowed.
            assert!(
                (plan.ms..=arrives + plan.ms).contains(done),
                "get_or_load({key:?}), called at {arrives}ms while another caller was loading \
                 the same key (a {}ms load that started at 0ms), returned at {done}ms. It may \
                 wait for that load (done at {}ms) or load the key itself (done at {}ms), \
                 nothing later: a caller that checks again every few ms is late by up to its \
                 period. Wait on something that wakes you when the value is there \
                 (tokio::sync::OnceCell, Notify, a watch channel), or simply load it.",
                plan.ms,
                plan.ms,
                arrives + plan.ms
            );
        }
        wakeups.assert_at_most(
            allowed,
            watch.elapsed(),
            &format!(
                "{callers} callers waited for the same key {key:?} (a {}ms load; loader calls: \
                 {})",
                plan.ms,
                loads.count(&key)
            ),
        );
    })
    .await;
}

/// Callers wait for a key that another caller is loading, and meanwhile the
/// rest of the cache must go on as if they were not there: cached keys are
/// read at once, another key loads in its own time, and the slow key's own
/// loader reads a key through the cache. A caller that waits while holding
/// a lock everyone needs (the map's lock, kept while it waits for a per-key
/// lock or slot) stops all of that, and the nested read deadlocks.
#[tokio::test(start_paused = true)]
async fn callers_waiting_for_a_key_hold_up_no_one_else() {
    for_each_seed(16, |mut rng| async move {
        let hot = plain_keys(&mut rng, "hot-", 3, 11, 99);
        let (slow, mut slow_plan) = plain_keys(&mut rng, "slow-", 1, 401, 1499).remove(0);
        let (dep, dep_plan) = plain_keys(&mut rng, "dep-", 1, 101, 399).remove(0);
        let (other, other_plan) = plain_keys(&mut rng, "other-", 1, 101, 999).remove(0);
        // The slow key's loader waits, then reads `dep` through the cache.
        slow_plan.deps = vec![dep.clone()];
        let slow_done = slow_plan.ms + dep_plan.ms;
        let mut plans: Plans = hot.iter().cloned().collect();
        plans.insert(slow.clone(), slow_plan.clone());
        plans.insert(dep.clone(), dep_plan.clone());
        plans.insert(other.clone(), other_plan.clone());
        let expected = value_of(&plans, &slow);
        let (cache, loads) = cache_with(plans);
        for (key, _) in &hot {
            no_hang("get_or_load of a key to cache it", cache.get_or_load(key)).await;
        }

        // More callers of the slow key arrive while it loads ...
        let waiters: Vec<u64> = (0..rng.range(1, 3)).map(|_| rng.odd_ms(1, 99)).collect();
        let last_waiter = *waiters.iter().max().unwrap();
        // ... and after they are all waiting, other keys are used.
        let other_at = rng.odd_ms(last_waiter + 1, slow_plan.ms - 1);
        let reads: Vec<(u64, (String, Plan))> = (0..rng.range(3, 6))
            .map(|_| {
                (
                    rng.odd_ms(last_waiter + 1, slow_done - 1),
                    rng.pick(&hot).clone(),
                )
            })
            .collect();

        let timeline = Timeline::start(format!(
            "callers waiting for {slow:?} while the rest of the cache is used"
        ));
        timeline.expect("first caller", ms(0), ms(slow_done));
        timeline.expect(format!("load {slow}"), ms(0), ms(slow_done));
        timeline.expect(format!("load {dep}"), ms(slow_plan.ms), ms(slow_done));
        timeline.expect(
            format!("load {other}"),
            ms(other_at),
            ms(other_at + other_plan.ms),
        );
        for (at, (key, _)) in &reads {
            timeline.expect(format!("get {key}"), ms(*at), ms(*at));
        }
        let situation = format!(
            "get_or_load({slow:?}) was called at 0ms (its loader waits {}ms, then reads \
             {dep:?} through the cache, a {}ms load), and again at {waiters:?}ms while that \
             load ran; then, at {other_at}ms, get_or_load({other:?}) (a {}ms load), and \
             cached keys were read at {:?}ms.",
            slow_plan.ms,
            dep_plan.ms,
            other_plan.ms,
            reads.iter().map(|(at, _)| *at).collect::<Vec<_>>()
        );

        let watch = Stopwatch::start();
        let first = timeline.span("first caller", cache.get_or_load(&slow));
        let waiting = join_all(waiters.iter().map(|arrives| {
            let (cache, slow) = (&cache, &slow);
            async move {
                sleep(ms(*arrives)).await;
                let value = cache.get_or_load(slow).await;
                (*arrives, value, watch.elapsed_ms())
            }
        }));
        let loading_other = async {
            sleep(ms(other_at)).await;
            let value = cache.get_or_load(&other).await;
            (value, watch.elapsed_ms())
        };
        let reading = join_all(reads.iter().map(|(at, (key, plan))| {
            let cache = &cache;
            let timeline = &timeline;
            async move {
                sleep(ms(*at)).await;
                let value = timeline
                    .span(format!("get {key}"), cache.get_or_load(key))
                    .await;
                (key, plan.value, value, *at, watch.elapsed_ms())
            }
        }));
        let (first, waited, other_result, read) = within_else(
            ms(60_000),
            "callers of a key being loaded, and the rest of the cache",
            async { tokio::join!(first, waiting, loading_other, reading) },
            || {
                format!(
                    "{situation}\nThey never all finished (still waiting after 60s of virtual \
                     time). The first caller's loader reads {dep:?} through the cache while \
                     other callers wait for {slow:?}: if a waiting caller holds the map's lock \
                     while it waits (for a per-key lock, a slot, a notification), nobody else \
                     can use the cache, not even the load it is waiting for. Take the key's \
                     entry under the map's lock, release it, and only then wait.
Loader \
                     calls:\n{}",
                    loads.describe()
                )
            },
        )
        .await;

        assert_eq!(
            first, expected,
            "get_or_load({slow:?}) returned {first}, expected {expected} (its value plus \
             {dep:?}'s)."
        );
        for (key, expected, value, asked, done) in read {
            assert_eq!(
                value, expected,
                "get_or_load({key:?}) of a cached key returned {value}, expected {expected}."
            );
            assert_eq!(
                done, asked,
                "{situation}\nThe read of the cached key {key:?} at {asked}ms returned at \
                 {done}ms, expected at once. It waited for the callers waiting for {slow:?}: \
                 does a caller that waits for another caller's load keep the map locked while \
                 it waits? Release the map's lock before waiting for anything."
            );
        }
        let (value, done) = other_result;
        assert_eq!(
            value, other_plan.value,
            "get_or_load({other:?}) returned {value}"
        );
        assert_eq!(
            done,
            other_at + other_plan.ms,
            "{situation}\nget_or_load({other:?}) returned at {done}ms, expected {}ms: its own \
             load, nothing more. It waited for the callers waiting for {slow:?}: does a caller \
             that waits for another caller's load keep the map locked while it waits? Release \
             the map's lock before waiting for anything.",
            other_at + other_plan.ms
        );
        for (arrives, value, done) in waited {
            assert_eq!(
                value, first,
                "get_or_load({slow:?}), called at {arrives}ms, returned {value}, expected {first}."
            );
            assert!(
                done <= arrives + slow_done,
                "{situation}\nThe caller of {slow:?} that arrived at {arrives}ms returned at \
                 {done}ms: later than loading it itself would take ({}ms).",
                arrives + slow_done
            );
        }
    })
    .await;
}

/// Real threads, no paused clock and no timers. Another thread reads the
/// cache over and over, a key with a very long name (each lookup hashes it
/// inside the lock, so the lock is busy nearly all the time), while a caller
/// on the runtime loads keys of its own: the loader returns only once that
/// thread is busy reading, so the caller's insert meets a busy lock. Every
/// value it loads must be kept.
#[test]
fn a_value_loaded_while_another_thread_holds_the_lock_is_kept() {
    use std::sync::mpsc;

    const KEYS: u32 = 3;
    /// How many lookups the reading thread makes at most, per load.
    const MOST_READS: usize = 40;

    struct Reader {
        start: Mutex<mpsc::Sender<bool>>,
        reads: AtomicUsize,
        stop: AtomicBool,
    }
    let (start, starts) = mpsc::channel::<bool>();
    let reader = Arc::new(Reader {
        start: Mutex::new(start),
        reads: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    });
    let loads = Arc::new(AtomicUsize::new(0));
    let cache = {
        let (reader, loads) = (reader.clone(), loads.clone());
        Arc::new(Cache::new(move |key, _cache| {
            loads.fetch_add(1, Ordering::SeqCst);
            let reader = reader.clone();
            Box::pin(async move {
                if let Some(n) = key.strip_prefix("own-") {
                    // Start the other thread reading, and finish this load
                    // once it is in the middle of its reads.
                    reader.stop.store(false, Ordering::SeqCst);
                    reader.reads.store(0, Ordering::SeqCst);
                    reader.start.lock().unwrap().send(true).unwrap();
                    // (If the reads cannot start, the lock is held during
                    // this load: other tests report that. Go on after 200ms.)
                    let limit = std::time::Instant::now() + Duration::from_millis(200);
                    while reader.reads.load(Ordering::SeqCst) < 1
                        && std::time::Instant::now() < limit
                    {
                        std::thread::yield_now();
                    }
                    n.parse::<u32>().unwrap() * 7 + 1
                } else {
                    0
                }
            })
        }))
    };
    let long_key = format!("long-{}", "k".repeat(200_000));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the test");
    runtime.block_on(cache.get_or_load(&long_key));

    let reading = {
        let (reader, cache, long_key) = (reader.clone(), cache.clone(), long_key.clone());
        let runtime = runtime.handle().clone();
        std::thread::spawn(move || {
            // In the runtime's context, should get_or_load need one.
            let _context = runtime.enter();
            while let Ok(true) = starts.recv() {
                for _ in 0..MOST_READS {
                    if reader.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    futures::executor::block_on(cache.get_or_load(&long_key));
                    reader.reads.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
    };
    for n in 0..KEYS {
        let key = format!("own-{n}");
        let value = runtime.block_on(cache.get_or_load(&key));
        reader.stop.store(true, Ordering::SeqCst);
        assert_eq!(
            value,
            n * 7 + 1,
            "get_or_load({key:?}) returned {value}, expected {}.",
            n * 7 + 1
        );
    }
    let before = loads.load(Ordering::SeqCst);
    for n in 0..KEYS {
        runtime.block_on(cache.get_or_load(&format!("own-{n}")));
    }
    let again = loads.load(Ordering::SeqCst) - before;
    // Stop the reading thread.
    reader.start.lock().unwrap().send(false).unwrap();
    reading.join().expect("the test's reading thread panicked");
    assert_eq!(
        again, 0,
        "get_or_load loaded {KEYS} keys while another thread was reading the cache (so the \
         lock was busy when each load was done); reading the {KEYS} keys again then had to \
         load {again} of them again: their values were never stored. Does the insert give up \
         when another thread holds the lock (try_lock)? Every loaded value must be kept: wait \
         for the lock."
    );
}
