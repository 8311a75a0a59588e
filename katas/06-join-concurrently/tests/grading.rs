//! Grading tests for kata 06: join futures concurrently.
//!
//! Every test runs on tokio's paused clock: a future that sleeps 317ms
//! takes exactly 317ms of virtual time, so "were these futures awaited at
//! the same time?" is a question about exact elapsed time. Two futures of
//! 317ms and 503ms take 503ms when joined, 820ms one after the other.
//!
//! The inputs are irregular and seeded (a failure names its seed and how
//! to replay it): odd durations, ids shuffled and repeated, and every call
//! to `fetch` returns a value of its own, in no particular order, so
//! results collected as the fetches finish, sorted afterwards, or looked up
//! by id cannot pass for results in the order of `ids`. Fetches of equal
//! length finish in a seeded order (`Jitter`), so ties do not always
//! finish the same way.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | `a.await; b.await;` (the starter): one after the other | `both_waits_for_the_two_futures_at_the_same_time`, `all_fetches_every_id_at_the_same_time` |
//! | all futures created first, then awaited in turn (futures are lazy) | `all_fetches_every_id_at_the_same_time` |
//! | `select!` instead of `join!`: returns when the first is done | `both_waits_for_the_two_futures_at_the_same_time` |
//! | outputs of `both` in the order they finish | `both_keeps_its_arguments_in_order` |
//! | a loop that checks both futures every few ms | `both_sleeps_while_it_waits`, `both_waits_for_the_two_futures_at_the_same_time` |
//! | `FuturesUnordered`: results in completion order | `all_returns_results_in_the_order_of_ids` |
//! | results sorted by value afterwards | `all_returns_results_in_the_order_of_ids` |
//! | results looked up by id (a map): repeated ids get one result | `all_returns_results_in_the_order_of_ids` |
//! | a fixed concurrency limit (`buffered(4)`, or a "safe" cap of 256) | `all_fetches_every_id_at_the_same_time` (several hundred ids) |
//! | long lists handled differently (`FuturesUnordered` above some size) | `all_returns_results_in_the_order_of_ids` (a quarter of the cases have hundreds of ids) |
//! | fetches spawned as tasks: they outlive a caller who gives up | `dropping_all_drops_every_fetch` |
//! | fetches spawned in a JoinSet (aborted on drop, but not joined) | `all_fetches_every_id_at_the_same_time` (each fetch records its task) |
//! | `both` spawns `a` and `b` (adding `Send + 'static`): they outlive a caller who gives up | `any_future` (a test file that must compile), `dropping_both_drops_both_futures` |
//! | extra bounds on `both`'s futures or on `fetch` (`Send`, `'static`, `Unpin`) | `any_future` |

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use kata_06_join_concurrently::{all, both};
use kata_support::{
    ConcurrencyProbe, DropFlag, HANG_LIMIT, Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups,
    assert_no_leaked_tasks, assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed,
    ms, no_hang, within,
};
use tokio::time::sleep;

/// A lazy future that finishes `millis` after it is first polled.
async fn after(millis: u64, value: u32) -> u32 {
    sleep(ms(millis)).await;
    value
}

const WHY_SEQUENTIAL: &str = "An `.await` waits for one future before the next line runs, \
     so `a.await; b.await;` starts b only when a is done. Await both at once from this task: \
     tokio::join!(a, b).";

/// Two different odd durations, the first shorter than the second.
fn two_times(rng: &mut Rng) -> (u64, u64) {
    let mut times = rng.distinct_odd_ms(2, 20, 3000);
    times.sort_unstable();
    (times[0], times[1])
}

/// `both(after(first..), after(second..))`, checked for time and outputs.
async fn check_both(first: (u64, u32), second: (u64, u32)) {
    let what = format!(
        "both(a {} future returning {}, a {} future returning {})",
        fmt_duration(ms(first.0)),
        first.1,
        fmt_duration(ms(second.0)),
        second.1
    );
    // Drawn when the test fails: both futures should run from the start.
    let timeline = Timeline::start(&what);
    timeline.expect("a", ms(0), ms(first.0));
    timeline.expect("b", ms(0), ms(second.0));
    let watch = Stopwatch::start();
    let outputs = no_hang(
        &what,
        both(
            timeline.span("a", after(first.0, first.1)),
            timeline.span("b", after(second.0, second.1)),
        ),
    )
    .await;
    assert_eq!(
        outputs,
        (first.1, second.1),
        "{what} returned {outputs:?}, expected {:?}: both waits for the two futures, and \
         gives their outputs in the order of the arguments, not in the order the futures \
         finish. (A select! returns as soon as one of them is done: join! waits for both.)",
        (first.1, second.1)
    );
    let slower = first.0.max(second.0);
    watch.assert_elapsed(
        ms(slower),
        &what,
        &format!(
            "Awaited at the same time, the two futures take as long as the slower one: {}. \
             {} is {} + {}: one after the other. {WHY_SEQUENTIAL} (A little more than {} \
             means the futures are checked on a timer instead of awaited.)",
            fmt_duration(ms(slower)),
            fmt_duration(ms(first.0 + second.0)),
            fmt_duration(ms(first.0)),
            fmt_duration(ms(second.0)),
            fmt_duration(ms(slower)),
        ),
    );
}

#[tokio::test(start_paused = true)]
async fn both_waits_for_the_two_futures_at_the_same_time() {
    for_each_seed(16, |mut rng| async move {
        // The first argument is the faster one here.
        let (fast, slow) = two_times(&mut rng);
        let values = (rng.range(0, 999) as u32, rng.range(0, 999) as u32);
        check_both((fast, values.0), (slow, values.1)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn both_keeps_its_arguments_in_order() {
    for_each_seed(16, |mut rng| async move {
        // This time the first argument is the slower one.
        let (fast, slow) = two_times(&mut rng);
        let values = (rng.range(0, 999) as u32, rng.range(0, 999) as u32);
        check_both((slow, values.0), (fast, values.1)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn both_sleeps_while_it_waits() {
    for_each_seed(4, |mut rng| async move {
        let a = rng.odd_ms(30_000, 55_000);
        let b = rng.odd_ms(30_000, 55_000);
        let what = format!(
            "both(a {} future, a {} future) waited",
            fmt_duration(ms(a)),
            fmt_duration(ms(b))
        );
        let wakeups = Wakeups::start();
        let watch = Stopwatch::start();
        no_hang(&what, both(after(a, 1), after(b, 2))).await;
        // The two futures' timers, and the test's own hang guard, may each
        // wake the runtime a few times on their way; nothing else should.
        wakeups.assert_at_most(3 * ONE_TIMER, watch.elapsed(), &what);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_both_drops_both_futures() {
    for_each_seed(16, |mut rng| async move {
        let (fast, slow) = two_times(&mut rng);
        // Either argument may be the slower one.
        let (a_ms, b_ms) = if rng.chance(1, 2) {
            (fast, slow)
        } else {
            (slow, fast)
        };
        // Give up at once, before either is done, or between the two ends:
        // always before the slower one is done. A multiple of 5ms never
        // ties with an end (those are odd).
        let between = (fast / 5 + 1, (slow - 1) / 5);
        let give_up = match rng.below(3) {
            0 => 0,
            2 if between.0 <= between.1 => 5 * rng.range(between.0, between.1),
            _ => 5 * (fast / 5),
        };
        let finished = Arc::new(AtomicUsize::new(0));
        let tracked = |millis: u64, value: u32| {
            let finished = finished.clone();
            let (flag, probe) = DropFlag::new();
            let fut = async move {
                let _probe = probe;
                sleep(ms(millis)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                value
            };
            (flag, fut)
        };
        let (a_flag, a) = tracked(a_ms, 1);
        let (b_flag, b) = tracked(b_ms, 2);
        let what = format!(
            "dropping both(a {} future, a {} future) after {}",
            fmt_duration(ms(a_ms)),
            fmt_duration(ms(b_ms)),
            fmt_duration(ms(give_up))
        );
        let _ = cancel_after(ms(give_up), both(a, b)).await;
        let done_before = finished.load(Ordering::SeqCst);
        // Nothing may still run: no task alive, no timer left to fire.
        assert_nothing_left_running(&what, ms(60_000)).await;
        a_flag.assert_dropped(&format!(
            "{what}: the future `a` (both's futures are dropped with it; a spawned task is not)"
        ));
        b_flag.assert_dropped(&format!(
            "{what}: the future `b` (both's futures are dropped with it; a spawned task is not)"
        ));
        let done = finished.load(Ordering::SeqCst);
        assert_eq!(
            done, done_before,
            "{what}: {done} of the futures ran to the end, but only {done_before} were done when \
             the caller gave up: the other went on after both was dropped. Joined in both's own \
             task (tokio::join!), the futures are dropped with it; handed to tokio::spawn, they \
             keep running for nobody."
        );
    })
    .await;
}

/// The test's `fetch` for `all`. Every call gets a duration and a value of
/// its own (in the order the calls are made), and records what happened.
#[derive(Clone)]
struct Fetcher {
    /// (duration, value) for call number k.
    plan: Arc<Vec<(u64, u32)>>,
    /// The ids fetch was called with, and the call's value, in call order.
    calls: Arc<Mutex<Vec<(u32, u32)>>>,
    probe: ConcurrencyProbe,
    finished: Arc<AtomicUsize>,
    dropped: Arc<Mutex<Vec<DropFlag>>>,
    /// The task each fetch was first polled in (`None`: not in a task).
    polled_in: Arc<Mutex<Vec<Option<tokio::task::Id>>>>,
    jitter: Jitter,
}

impl Fetcher {
    fn new(rng: &mut Rng, calls: usize) -> Fetcher {
        // Durations repeat now and then (ties), values never do.
        let pool = rng.distinct_odd_ms(calls.div_ceil(2).max(1), 20, 2500);
        let durations: Vec<u64> = (0..calls).map(|_| *rng.pick(&pool)).collect();
        let mut values: Vec<u32> = Vec::new();
        while values.len() < calls {
            let value = rng.range(1, 9999) as u32;
            if !values.contains(&value) {
                values.push(value);
            }
        }
        Fetcher {
            plan: Arc::new(durations.into_iter().zip(values).collect()),
            calls: Arc::default(),
            probe: ConcurrencyProbe::new(),
            finished: Arc::default(),
            dropped: Arc::default(),
            polled_in: Arc::default(),
            jitter: Jitter::new(rng.next_u64()),
        }
    }

    fn fetch(&self) -> impl Fn(u32) -> BoxFuture<'static, u32> + use<> {
        let this = self.clone();
        move |id| {
            let mut calls = this.calls.lock().unwrap();
            let call = calls.len();
            // More calls than ids: the plan runs out; such a call takes
            // no time and returns 0 (and the call count shows the mistake).
            let (millis, value) = this.plan.get(call).copied().unwrap_or((0, 0));
            calls.push((id, value));
            let (flag, probe) = DropFlag::new();
            this.dropped.lock().unwrap().push(flag);
            let (concurrency, finished) = (this.probe.clone(), this.finished.clone());
            let jitter = this.jitter.clone();
            let polled_in = this.polled_in.clone();
            let label = format!("fetch({id})");
            Box::pin(Timeline::current().span(label, async move {
                polled_in.lock().unwrap().push(tokio::task::try_id());
                let _probe = probe;
                let _in_flight = concurrency.enter();
                sleep(ms(millis)).await;
                // Fetches whose timers fire together finish in a seeded
                // order. (A pause, not `Jitter::wrap`: join_all polls every
                // future on each wake, and wrapped futures would keep
                // waking each other, starving the paused clock.)
                jitter.pause().await;
                finished.fetch_add(1, Ordering::SeqCst);
                value
            }))
        }
    }

    fn calls(&self) -> Vec<(u32, u32)> {
        self.calls.lock().unwrap().clone()
    }

    fn longest(&self) -> u64 {
        self.plan
            .iter()
            .map(|(millis, _)| *millis)
            .max()
            .unwrap_or(0)
    }
}

/// Shuffled ids, some of them repeated.
fn some_ids(rng: &mut Rng, n: usize) -> Vec<u32> {
    let mut ids: Vec<u32> = Vec::with_capacity(n);
    for _ in 0..n {
        if !ids.is_empty() && rng.chance(1, 4) {
            let again = *rng.pick(&ids);
            ids.push(again);
        } else {
            ids.push(rng.range(1, 500) as u32);
        }
    }
    rng.shuffle(&mut ids);
    ids
}

fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut items = items.to_vec();
    items.sort();
    items
}

/// `all(ids, fetch)` for `n` seeded ids, checked for calls, time and
/// concurrency.
async fn check_all_at_once(rng: &mut Rng, n: usize) {
    let ids = some_ids(rng, n);
    let fetcher = Fetcher::new(rng, n);
    let what = format!("all({n} ids, fetch)");
    let caller_task = tokio::task::try_id();
    // Drawn when the test fails: every fetch should run from the start.
    let timeline = Timeline::start(&what);
    for (id, (millis, _)) in ids.iter().zip(fetcher.plan.iter()) {
        timeline.expect(format!("fetch({id})"), ms(0), ms(*millis));
    }
    let watch = Stopwatch::start();
    let results = no_hang(&what, all(ids.clone(), fetcher.fetch())).await;

    let called: Vec<u32> = fetcher.calls().iter().map(|(id, _)| *id).collect();
    assert_eq!(
        sorted(&called),
        sorted(&ids),
        "{what} called fetch for {} ids ({called:?}), expected once for each of {ids:?} (a \
         repeated id is fetched again).",
        called.len()
    );
    watch.assert_elapsed(
        ms(fetcher.longest()),
        &format!(
            "{what}, whose slowest fetch takes {}",
            fmt_duration(ms(fetcher.longest()))
        ),
        "Awaited at the same time, the fetches take as long as the slowest one. Much more \
         (the sum) means each fetch started only when the previous one was done: creating a \
         future does not start it, awaiting it one at a time runs one at a time. Collect the \
         futures, then await them all at once: futures::future::join_all.",
    );
    assert_eq!(
        fetcher.probe.peak(),
        n,
        "at most {} of the {n} fetches of {what} were in flight at once; all of them should \
         be: every fetch is waiting on its own timer, so nothing stops them all from waiting \
         together. A limit (buffered, buffer_unordered, chunks) is not what all promises.",
        fetcher.probe.peak()
    );
    assert_eq!(
        results.len(),
        n,
        "{what} returned {} results, expected {n}.",
        results.len()
    );
    let polled_in = fetcher.polled_in.lock().unwrap().clone();
    if let Some(other) = polled_in.iter().find(|task| **task != caller_task) {
        panic!(
            "a fetch of {what} was polled in task {other:?}, not in the task that called all \
             ({caller_task:?}): the fetches were spawned as tasks (tokio::spawn, a JoinSet). \
             Joining needs no task: all polls every fetch itself, from its caller's task \
             (join_all), so the fetches live and die with all."
        );
    }
    assert_no_leaked_tasks("all returned").await;
}

#[tokio::test(start_paused = true)]
async fn all_fetches_every_id_at_the_same_time() {
    for_each_seed(16, |mut rng| async move {
        // A dozen ids or so, several hundred (more than tokio's
        // cooperative budget of 128, and more than any round cap such as
        // 256 or 512, at once), and none at all.
        let n = rng.range(5, 14) as usize;
        check_all_at_once(&mut rng, n).await;
        let many = rng.range(300, 700) as usize;
        check_all_at_once(&mut rng, many).await;
        check_all_at_once(&mut rng, 0).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn all_returns_results_in_the_order_of_ids() {
    for_each_seed(32, |mut rng| async move {
        // Mostly a handful of ids; every fourth case several hundred, so
        // that code handling long lists differently is seen too.
        let n = if rng.chance(1, 4) {
            rng.range(65, 700) as usize
        } else {
            rng.range(3, 12) as usize
        };
        let ids = some_ids(&mut rng, n);
        let fetcher = Fetcher::new(&mut rng, n);
        let what = if n <= 20 {
            format!("all({ids:?}, fetch)")
        } else {
            format!("all({n} ids: {:?}…, fetch)", &ids[..12])
        };
        // This test is about order only: time enough even for fetches
        // awaited one after the other.
        let total: u64 = fetcher.plan.iter().map(|(millis, _)| *millis).sum();
        let results = within(
            ms(total) + HANG_LIMIT,
            &what,
            all(ids.clone(), fetcher.fetch()),
        )
        .await;

        // Result i must come from a fetch of ids[i]. A repeated id is
        // fetched once per occurrence, and each of its fetches' values must
        // show up once among that id's places (in any order among them).
        let mut fetched: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (id, value) in fetcher.calls() {
            fetched.entry(id).or_default().push(value);
        }
        let mut placed: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (id, value) in ids.iter().zip(&results) {
            placed.entry(*id).or_default().push(*value);
        }
        let fetched: BTreeMap<u32, Vec<u32>> = fetched
            .into_iter()
            .map(|(id, v)| (id, sorted(&v)))
            .collect();
        let placed: BTreeMap<u32, Vec<u32>> =
            placed.into_iter().map(|(id, v)| (id, sorted(&v))).collect();
        let table: String = fetcher
            .calls()
            .iter()
            .zip(fetcher.plan.iter())
            .take(20)
            .map(|((id, value), (millis, _))| {
                format!(
                    "\n  fetch({id}) returned {value} after {}",
                    fmt_duration(ms(*millis))
                )
            })
            .collect();
        let returned = if results.len() <= 20 {
            format!("{results:?}")
        } else {
            format!("{} results, starting {:?}…", results.len(), &results[..12])
        };
        let table = if n > 20 {
            format!("{table}\n  … ({} more)", n - 20)
        } else {
            table
        };
        assert!(
            results.len() == n && fetched == placed,
            "{what} returned {returned}. The fetches (in the order fetch was called):{table}\n\
             Result number i must be the value of the fetch of ids[i]: the results come back \
             in the order of the ids, not in the order the fetches finished (FuturesUnordered, \
             buffer_unordered), not sorted, and not looked up by id (the same id fetched twice \
             can give two different values). join_all keeps the input order."
        );
        assert_no_leaked_tasks("all returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_all_drops_every_fetch() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(1, 10) as usize;
        let ids = some_ids(&mut rng, n);
        let fetcher = Fetcher::new(&mut rng, n);
        // Give up at once, or part-way. A multiple of 5ms never ties with a
        // fetch's end (those never are).
        let give_up = if rng.chance(1, 4) {
            0
        } else {
            5 * rng.range(2, 500)
        };
        let what = format!(
            "dropping all({ids:?}, fetch) after {}",
            fmt_duration(ms(give_up))
        );
        let _ = cancel_after(ms(give_up), all(ids, fetcher.fetch())).await;
        let done_before = fetcher.finished.load(Ordering::SeqCst);
        // Nothing may still run: no task alive, no timer left to fire.
        assert_nothing_left_running(&what, ms(60_000)).await;
        for flag in fetcher.dropped.lock().unwrap().iter() {
            flag.assert_dropped(&format!(
                "{what}: a fetch (all's futures are dropped with it; a spawned task is not)"
            ));
        }
        let finished = fetcher.finished.load(Ordering::SeqCst);
        assert_eq!(
            finished, done_before,
            "{what}: {finished} fetches ran to the end, but only {done_before} were done when \
             the caller gave up: the others went on after all was dropped. all waits for its \
             futures in its own task, so dropping all drops them; fetches handed to \
             tokio::spawn keep running for nobody."
        );
    })
    .await;
}
