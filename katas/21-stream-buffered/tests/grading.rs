//! Grading tests for kata 21: fetch a stream with bounded concurrency.
//!
//! Every test runs on a paused clock: a fetch of 317ms takes exactly 317ms
//! of virtual time. A [`ConcurrencyProbe`] inside every fetch counts how
//! many are in flight at once, and each fetch records when it started (its
//! first poll) and ended.
//!
//! Inputs are seeded and irregular: ids are shuffled and sometimes repeated,
//! a fetch's result is a value that sorts neither like the ids nor like the
//! input order, fetch times are odd and unequal, and the ids either are all
//! there at once or trickle in at odd instants (each id is available from
//! its own instant on, however late the stream is polled). The limit is
//! sometimes 1, sometimes more than the number of ids.
//!
//! The schedule is checked against `buffered(limit)`'s: no fetch may start
//! later than `buffered` would start it (a slot is free once every earlier
//! result is handed on). A correct solution may start fetches earlier (for
//! example `buffer_unordered` with the results put back in order), as long
//! as no more than `limit` are in flight.
//!
//! | mistake a learner makes                                              | the test that catches it |
//! |----------------------------------------------------------------------|--------------------------|
//! | `buffer_unordered`: results in completion order                      | `results_come_back_in_input_order` |
//! | completion order sorted back by id, or by value                       | `results_come_back_in_input_order` |
//! | no limit (`join_all` of every fetch, a task per id)                  | `never_more_than_limit_fetches_at_once` |
//! | one fetch at a time (`then`, a `for` loop)                            | `never_more_than_limit_fetches_at_once`, `each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there` |
//! | the whole stream collected before the first fetch                     | `each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there`, `fetching_starts_as_soon_as_the_first_id_arrives` |
//! | fixed batches (`chunks(limit)` or `ready_chunks(limit)` + `join_all`): slots idle | `each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there` |
//! | a hand-made queue whose fetches are not polled while it waits for the next id | `each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there`, `fetching_starts_as_soon_as_the_first_id_arrives` |
//! | the limit capped at a constant of its own (64, 256)                  | `never_more_than_limit_fetches_at_once` |
//! | room for `limit` fetches reserved up front (`with_capacity(limit)`): a huge limit panics | `never_more_than_limit_fetches_at_once_with_a_large_limit` |
//! | giving up on a quiet stream after a timeout of its own: later ids lost | `a_stream_quiet_for_hours_is_fetched_to_the_end` |
//! | waiting for ids or fetches by polling (`now_or_never` + `sleep` or `yield_now` in a loop) | `waiting_for_the_next_id_costs_no_wakeups` |
//! | a timer of its own next to the stream (a heartbeat in a `select!`): woken for nothing while the stream is quiet | `a_stream_quiet_for_hours_is_fetched_to_the_end` |
//! | fetches spawned as tasks, left running when the caller drops `fetch_all` | `dropping_fetch_all_stops_every_fetch` |
//! | extra bounds (`Unpin` or `Send` on the stream, `Send + 'static` on the futures, `Fn`/`Clone` on `fetch`) | the test file `inputs_need_no_extra_traits` does not compile |

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};
use kata_21_stream_buffered::fetch_all;
use kata_support::no_blocking;
use kata_support::no_spin;
use kata_support::{
    ConcurrencyProbe, EventLog, HANG_LIMIT, Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups,
    assert_no_leaked_tasks, assert_nothing_left_running, cancel_after, count_polls, fmt_duration,
    for_each_seed, ms, panic_message, quiet_panics, within,
};
use tokio::time::{Instant, sleep, sleep_until};

/// When one fetch started (was first polled) and ended, in virtual ms.
type Span = (Option<u64>, Option<u64>);

/// One call of `fetch_all`: the ids, when each one is available, what each
/// fetch takes and returns, and what happened.
struct Case {
    ids: Vec<u32>,
    /// Virtual ms from the start at which the i-th id is available.
    arrives: Vec<u64>,
    /// Per id: how long its fetch takes, and what it returns.
    delays: HashMap<u32, u64>,
    values: HashMap<u32, u32>,
    limit: usize,
    start: Instant,
    probe: ConcurrencyProbe,
    /// The span of the k-th call of `fetch`.
    spans: Arc<Mutex<Vec<Span>>>,
    log: EventLog,
    jitter: Jitter,
}

impl Case {
    fn new(ids: &[u32], arrives: &[u64], delays: &[u64], limit: usize) -> Case {
        let values = ids.iter().map(|&id| (id, id * 10)).collect();
        Case::with(ids, arrives, delays, values, limit, Jitter::none())
    }

    fn with(
        ids: &[u32],
        arrives: &[u64],
        delays: &[u64],
        values: HashMap<u32, u32>,
        limit: usize,
        jitter: Jitter,
    ) -> Case {
        Case {
            ids: ids.to_vec(),
            arrives: arrives.to_vec(),
            delays: ids.iter().copied().zip(delays.iter().copied()).collect(),
            values,
            limit,
            start: Instant::now(),
            probe: ConcurrencyProbe::new(),
            spans: Arc::default(),
            // The fetches are drawn on the timeline as bars: ticks for
            // their starts and ends would say it again.
            log: EventLog::undrawn(),
            jitter,
        }
    }

    /// A seeded case. `shape` decides the limit (1, more than the ids, or
    /// in between) and whether the ids trickle in.
    fn seeded(rng: &mut Rng, shape: u32) -> Case {
        let distinct = rng.range(3, 10) as usize;
        let mut pool: Vec<u32> = (0..distinct).map(|_| rng.range(1, 9_999) as u32).collect();
        pool.sort_unstable();
        pool.dedup();
        let mut ids = pool.clone();
        // Some ids more than once.
        for _ in 0..rng.range(0, 3) {
            ids.push(*rng.pick(&pool));
        }
        rng.shuffle(&mut ids);
        let n = ids.len();
        let fetch_times = rng.distinct_odd_ms(pool.len(), 51, 997);
        let delays: Vec<u64> = ids
            .iter()
            .map(|id| fetch_times[pool.iter().position(|p| p == id).unwrap()])
            .collect();
        // Values that sort neither like the ids nor like the input order.
        let values: HashMap<u32, u32> = pool
            .iter()
            .map(|&id| (id, rng.range(1, 999_999) as u32))
            .collect();
        let trickle = shape % 2 == 1;
        let mut at = 0;
        let arrives: Vec<u64> = (0..n)
            .map(|_| {
                if trickle {
                    at += rng.odd_ms(11, 400);
                }
                at
            })
            .collect();
        let limit = match shape % 3 {
            0 => 1,
            1 => n + rng.range(0, 2) as usize,
            _ => rng.range(2, (n as u64 - 1).max(2)) as usize,
        };
        Case::with(
            &ids,
            &arrives,
            &delays,
            values,
            limit,
            Jitter::new(rng.next_u64()),
        )
    }

    fn delay(&self, i: usize) -> u64 {
        self.delays[&self.ids[i]]
    }

    fn expected(&self) -> Vec<u32> {
        self.ids.iter().map(|id| self.values[id]).collect()
    }

    fn trickles(&self) -> bool {
        self.arrives.iter().any(|&at| at > 0)
    }

    fn what(&self) -> String {
        let fetches: Vec<String> = (0..self.ids.len())
            .map(|i| {
                let at = if self.trickles() {
                    format!(" at {}", fmt_duration(ms(self.arrives[i])))
                } else {
                    String::new()
                };
                format!("{}{at} ({})", self.ids[i], fmt_duration(ms(self.delay(i))))
            })
            .collect();
        format!(
            "fetch_all(ids [{}], limit {})",
            fetches.join(", "),
            self.limit
        )
    }

    /// The ids, each available from its own instant on: a stream polled
    /// late yields an id at once.
    fn stream(&self) -> BoxStream<'static, u32> {
        let items: Vec<(u32, u64)> = self.ids.iter().copied().zip(self.arrives.clone()).collect();
        let (start, log) = (self.start, self.log.clone());
        stream::iter(items)
            .then(move |(id, at)| {
                let log = log.clone();
                async move {
                    sleep_until(start + ms(at)).await;
                    log.record(format!("id {id} arrives"));
                    id
                }
            })
            .boxed()
    }

    /// The `fetch` function handed to `fetch_all`.
    fn fetch(&self) -> impl FnMut(u32) -> BoxFuture<'static, u32> + use<> {
        let (delays, values) = (self.delays.clone(), self.values.clone());
        let (probe, spans, log) = (self.probe.clone(), self.spans.clone(), self.log.clone());
        let (start, jitter) = (self.start, self.jitter.clone());
        move |id| {
            let delay = *delays.get(&id).unwrap_or_else(|| {
                panic!("fetch was called with id {id}, which the stream never yielded")
            });
            let value = values[&id];
            let (probe, spans, log, jitter) =
                (probe.clone(), spans.clone(), log.clone(), jitter.clone());
            let call = {
                let mut spans = spans.lock().unwrap();
                spans.push((None, None));
                spans.len() - 1
            };
            let now = move || (Instant::now() - start).as_millis() as u64;
            // Lazy: nothing is counted, logged or drawn until the future is
            // polled.
            Box::pin(Timeline::current().span(format!("fetch {id}"), async move {
                jitter.pause().await;
                let _in_flight = probe.enter();
                spans.lock().unwrap()[call].0 = Some(now());
                log.record(format!("fetch {id} starts"));
                sleep(ms(delay)).await;
                jitter.pause().await;
                spans.lock().unwrap()[call].1 = Some(now());
                log.record(format!("fetch {id} done"));
                value
            }))
        }
    }

    /// Starts the timeline a failing test shows: what `buffered(limit)`
    /// does with these ids, up to `until` (when fetch_all returns, or when
    /// its caller gives up). Each fetch runs from the moment its id is
    /// there and a slot is free; a finished fetch keeps its slot until the
    /// fetches before it are handed on.
    fn timeline(&self, until: Option<u64>) -> Timeline {
        let trickle = if self.trickles() {
            ", trickling in"
        } else {
            ""
        };
        let timeline = Timeline::start(format!(
            "fetch_all({} ids{trickle}, limit {})",
            self.ids.len(),
            self.limit
        ));
        let starts = self.latest_starts();
        let done = (0..self.ids.len())
            .map(|i| starts[i] + self.delay(i))
            .chain(self.arrives.last().copied())
            .max()
            .unwrap_or(0);
        let until = until.unwrap_or(done);
        timeline.expect("fetch_all", ms(0), ms(until));
        for (i, &start) in starts.iter().enumerate() {
            if start < until {
                let end = (start + self.delay(i)).min(until);
                timeline.expect(format!("fetch {}", self.ids[i]), ms(start), ms(end));
            }
        }
        timeline
    }

    async fn run(&self) -> (Vec<u32>, Duration) {
        self.run_within(HANG_LIMIT).await
    }

    /// `run`, with a hang guard of `limit` (virtual) instead of a minute.
    async fn run_within(&self, limit: Duration) -> (Vec<u32>, Duration) {
        let timeline = self.timeline(None);
        let watch = Stopwatch::start();
        let what = self.what();
        let call = timeline.span(
            "fetch_all",
            fetch_all(self.stream(), self.limit, self.fetch()),
        );
        let call = no_blocking(&what, no_spin(&what, call));
        let results = within(limit, &what, call).await;
        (results, watch.elapsed())
    }

    fn spans(&self) -> Vec<Span> {
        self.spans.lock().unwrap().clone()
    }

    /// When `buffered(limit)` starts each fetch: once its id is there, and
    /// once the result `limit` places before it has been handed on (a
    /// finished fetch keeps its slot until every earlier one is done).
    fn latest_starts(&self) -> Vec<u64> {
        let mut starts: Vec<u64> = Vec::new();
        let mut handed_on: Vec<u64> = Vec::new();
        for i in 0..self.ids.len() {
            let mut start = self.arrives[i];
            if let Some(previous) = starts.last() {
                start = start.max(*previous);
            }
            if i >= self.limit {
                start = start.max(handed_on[i - self.limit]);
            }
            let end = start + self.delay(i);
            handed_on.push(handed_on.last().copied().unwrap_or(0).max(end));
            starts.push(start);
        }
        starts
    }

    /// One line per fetch: when it started and ended, and the latest it
    /// could have started.
    fn describe(&self) -> String {
        let spans = self.spans();
        let latest = self.latest_starts();
        let show = |at: Option<u64>| at.map_or("never".to_string(), |at| fmt_duration(ms(at)));
        let mut lines = String::new();
        for (i, latest) in latest.into_iter().enumerate() {
            let (started, ended) = spans.get(i).copied().unwrap_or((None, None));
            let late = match started {
                Some(at) if at <= latest => String::new(),
                _ => format!(" (should have started by {})", fmt_duration(ms(latest))),
            };
            let arrival = if self.trickles() {
                format!(", available at {}", fmt_duration(ms(self.arrives[i])))
            } else {
                String::new()
            };
            lines.push_str(&format!(
                "  id {}{arrival}: fetch {} started at {}, ended at {}{late}\n",
                self.ids[i],
                i + 1,
                show(started),
                show(ended)
            ));
        }
        lines
    }
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_input_order() {
    // No ids at all: nothing to fetch, nothing to wait for.
    for limit in [1, 3] {
        let case = Case::new(&[], &[], &[], limit);
        let (results, elapsed) = case.run().await;
        assert!(
            results.is_empty() && elapsed.is_zero() && case.probe.started() == 0,
            "fetch_all(an empty stream, limit {limit}) returned {results:?} after {}, having \
             started {} fetch(es); expected an empty Vec at once, with no fetch.",
            fmt_duration(elapsed),
            case.probe.started()
        );
    }
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        shape += 1;
        let case = Case::seeded(&mut rng, shape);
        async move {
            let (results, _) = case.run().await;
            let expected = case.expected();
            assert_eq!(
                results,
                expected,
                "{} returned {results:?}, expected {expected:?}: the result of each id, in \
                 the order the ids came (an id that comes twice is fetched twice). Results in \
                 the order the fetches *finished* usually mean `buffer_unordered` (or a \
                 JoinSet / FuturesUnordered) instead of `buffered`; sorting them afterwards \
                 by id or by value does not restore the order of the stream.\n\
                 When each fetch ran:\n{}",
                case.what(),
                case.describe()
            );
            assert_no_leaked_tasks("fetch_all returned").await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_fetches_at_once() {
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        // Every id is there at once, so `limit` fetches can always run.
        shape += 2;
        let case = Case::seeded(&mut rng, shape);
        async move {
            let (results, _) = case.run().await;
            assert_eq!(
                results.len(),
                case.ids.len(),
                "{} returned {results:?}",
                case.what()
            );
            case.probe.assert_peak_at_most(
                case.limit,
                &format!(
                    "{} (a fetch is in flight from its first poll to its end)",
                    case.what()
                ),
            );
            let slots = case.limit.min(case.ids.len());
            assert_eq!(
                case.probe.peak(),
                slots,
                "{}: never more than {} fetch(es) were in flight at once, but every id was \
                 there from the start and {slots} may run together. Fetching one id at a time \
                 (awaiting each fetch before starting the next, as `then` or a `for` loop do) \
                 wastes the limit: `buffered(limit)` keeps `limit` fetches running.\n\
                 When each fetch ran:\n{}",
                case.what(),
                case.probe.peak(),
                case.describe()
            );
            assert_no_leaked_tasks("fetch_all returned").await;
        }
    })
    .await;
}

/// A big case: `n` distinct ids, all there at once, fetches of 51 to 249ms.
fn wide_case(n: u32, limit: usize) -> Case {
    let ids: Vec<u32> = (0..n).map(|i| 1 + (i * 7919) % 10_007).collect();
    let delays: Vec<u64> = (0..n as u64).map(|i| 51 + 2 * ((i * 37) % 100)).collect();
    Case::new(&ids, &vec![0; n as usize], &delays, limit)
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_fetches_at_once_with_a_large_limit() {
    // Limits above any cap a solution might add "to protect the service",
    // and a limit of `usize::MAX` ("no limit"): nothing may be sized by it.
    for (n, limit) in [(300, 300), (300, 257), (330, 1000), (40, usize::MAX)] {
        let case = wide_case(n, limit);
        let what = format!("fetch_all({n} ids all there at once, limit {limit})");
        let (results, _) = match AssertUnwindSafe(quiet_panics(case.run()))
            .catch_unwind()
            .await
        {
            Ok(outcome) => outcome,
            Err(payload) => panic!(
                "{what} panicked: {}. `limit` is only an upper bound on the fetches in \
                 flight, and may be as large as usize::MAX: reserving room for `limit` \
                 fetches up front (`Vec::with_capacity(limit)`, a `VecDeque` or a \
                 `Semaphore` sized by it) fails for a large one. Size things by the fetches \
                 actually in flight: `buffered(limit)` does.",
                panic_message(&*payload)
            ),
        };
        assert_eq!(
            results,
            case.expected(),
            "{what} returned the wrong results"
        );
        let slots = limit.min(n as usize);
        assert_eq!(
            case.probe.peak(),
            slots,
            "{what}: at most {} fetch(es) were in flight at once; expected exactly {slots}, \
             since every id was there from the start. Is the limit capped at a constant of \
             your own (64, 256...)? The caller's `limit` is the limit: pass it to \
             `buffered(limit)` as it is.",
            case.probe.peak()
        );
        assert_no_leaked_tasks("fetch_all returned").await;
    }
}

#[tokio::test(start_paused = true)]
async fn each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there() {
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        shape += 1;
        let case = Case::seeded(&mut rng, shape);
        async move {
            let (_, elapsed) = case.run().await;
            let spans = case.spans();
            let latest = case.latest_starts();
            let late = (0..case.ids.len()).any(|i| {
                spans
                    .get(i)
                    .and_then(|s| s.0)
                    .is_none_or(|at| at > latest[i])
            });
            let last_end = spans.iter().filter_map(|s| s.1).max().unwrap_or(0);
            let done_at = last_end.max(case.arrives.last().copied().unwrap_or(0));
            assert!(
                !late && elapsed == ms(done_at),
                "{} returned after {}. Every fetch must start as soon as its id is there and \
                 fewer than `limit` fetches are waiting to be handed on, and fetch_all \
                 returns when the last one ends.\nWhen each fetch ran:\n{}\
                 A fetch that started late: the stream was collected before fetching, ids \
                 were gathered in batches (`chunks`) that wait for their slowest fetch, the \
                 fetches ran one at a time, or the fetches were not polled while waiting for \
                 the next id. `ids.map(fetch).buffered(limit)` pulls ids as they come and \
                 polls every fetch in flight at once.",
                case.what(),
                fmt_duration(elapsed),
                case.describe()
            );
            assert_no_leaked_tasks("fetch_all returned").await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn fetching_starts_as_soon_as_the_first_id_arrives() {
    // The ids trickle in at odd instants; each fetch is done before the next
    // id arrives, so each one must start the moment its id is there.
    let ids = [7, 3, 9, 4];
    let case = Case::new(&ids, &[113, 229, 337, 461], &[53, 61, 47, 59], 2);

    let (results, elapsed) = case.run().await;

    assert_eq!(
        results,
        [70, 30, 90, 40],
        "fetch_all(ids 7, 3, 9, 4, arriving at 113, 229, 337 and 461ms, limit 2) returned \
         {results:?}."
    );
    assert_eq!(
        elapsed,
        ms(520),
        "{} returned after {}, expected exactly 520ms: each id should be fetched as soon as \
         it arrives, so the last fetch (id 4, at 461ms, 59ms long) ends at 520ms. More \
         means fetches waited for ids they did not need: the whole stream collected into a \
         Vec before the first fetch, ids gathered into batches (`chunks`), fetches not \
         polled while waiting for the next id, or each fetch awaited before the next id is \
         pulled. Let `buffered` pull ids from the stream itself, as they come.\n\
         When each fetch ran:\n{}",
        case.what(),
        fmt_duration(elapsed),
        case.describe()
    );
    insta::with_settings!({
        description => "fetch_all on a stream that yields ids 7, 3, 9, 4 at 113, 229, 337 and \
            461ms; the fetches take 53, 61, 47 and 59ms; limit 2. Every fetch should start \
            the moment its id arrives. If all the ids arrive before the first fetch starts, \
            the stream was collected first.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("trickle_schedule", case.log.to_string());
    });
}

#[tokio::test(start_paused = true)]
async fn waiting_for_the_next_id_costs_no_wakeups() {
    // Two ids at once, then nothing for almost a minute, then a third.
    let case = Case::new(&[5, 8, 2], &[0, 0, 58_013], &[317, 211, 97], 2);
    let (results, ()) = tokio::join!(async { case.run().await.0 }, async {
        // Both fetches are done by 317ms; from 1s on nothing happens until
        // the third id, whose own timer may cost the wheel a few wake-ups.
        sleep(ms(1000)).await;
        Wakeups::assert_quiet_for(
            ms(50_000),
            ONE_TIMER,
            "fetch_all(ids 5 and 8 at once, 2 at 58013ms, limit 2) waited for its next id",
        )
        .await;
    });
    assert_eq!(
        results,
        [50, 80, 20],
        "{} returned {results:?}",
        case.what()
    );
    assert_no_leaked_tasks("fetch_all returned").await;
}

#[tokio::test(start_paused = true)]
async fn dropping_fetch_all_stops_every_fetch() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(6, 10) as usize;
        let ids: Vec<u32> = (0..n).map(|_| rng.range(1, 999) as u32).collect();
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let times = rng.distinct_odd_ms(distinct.len(), 201, 1999);
        let delays: Vec<u64> = ids
            .iter()
            .map(|id| times[distinct.iter().position(|d| d == id).unwrap()])
            .collect();
        let limit = rng.range(2, 3) as usize;
        let case = Case::new(&ids, &vec![0; n], &delays, limit);
        let end = case.latest_starts()[n - 1] + case.delay(n - 1);
        let cancel_at = rng.odd_ms(end / 4, end / 2);
        let what = format!(
            "{}, dropped after {} (a caller's timeout)",
            case.what(),
            fmt_duration(ms(cancel_at))
        );
        // Every fetch stops when the caller gives up.
        let timeline = case.timeline(Some(cancel_at));
        let call = timeline.span(
            "fetch_all",
            fetch_all(case.stream(), case.limit, case.fetch()),
        );
        let call = no_spin(&what, call);
        let outcome = cancel_after(ms(cancel_at), call).await;
        assert!(
            outcome.is_none(),
            "{what}: it returned before it was dropped, although the fetches take longer."
        );
        let ended_then = case.spans().iter().filter(|s| s.1.is_some()).count();
        assert_nothing_left_running(&what, ms(60_000)).await;
        let spans = case.spans();
        let ended_later = spans.iter().filter(|s| s.1.is_some()).count() - ended_then;
        let started_later = spans
            .iter()
            .filter(|s| s.0.is_some_and(|at| at > cancel_at))
            .count();
        assert!(
            ended_later == 0 && started_later == 0 && case.probe.in_flight() == 0,
            "{what}: after the caller dropped fetch_all's future, {started_later} fetch(es) \
             still started, {ended_later} still ended, and {} were never dropped. When a \
             future is dropped, everything it started must stop: a spawned task keeps running \
             when its JoinHandle is dropped. `buffered` polls the fetches inside fetch_all's \
             own future, so dropping it drops them.\nWhen each fetch ran:\n{}",
            case.probe.in_flight(),
            case.describe()
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_stream_quiet_for_hours_is_fetched_to_the_end() {
    // Two ids at once, then nothing for hours, then two more: a stream is
    // over when it ends, not when it has been quiet for a while.
    let case = Case::new(
        &[6, 1, 4, 9],
        &[0, 0, 10_800_013, 18_000_019],
        &[317, 211, 97, 53],
        2,
    );
    let what = case.what();
    let (call, polls) = count_polls(fetch_all(case.stream(), case.limit, case.fetch()));
    let call = no_blocking(&what, no_spin(&what, call));
    // The watcher runs as a task of its own: its wake-ups must not poll
    // fetch_all (a `join!` would poll every branch whenever one wakes).
    let start = case.start;
    let watcher = tokio::spawn({
        let what = what.clone();
        async move {
            // Both first fetches are done by 317ms; the third id comes at
            // 10800013ms. In between, nothing is ready: fetch_all must not
            // be polled at all, and the runtime must not be woken but by
            // the stream's own timer.
            sleep_until(start + ms(1_000)).await;
            let (polled, wakeups) = (polls.get(), Wakeups::start());
            sleep_until(start + ms(10_800_000)).await;
            let polled = polls.get() - polled;
            assert!(
                polled == 0,
                "{what}: while the stream was quiet (from 1s to 10800s, with every fetch \
                 done), fetch_all was polled {polled} time(s), expected none. Nothing was \
                 ready, so nothing should wake it: a timer of its own (a heartbeat or an \
                 idle check in a `select!`, a `timeout` around `next()` that is retried) \
                 wakes it up for nothing, every time it fires. Await the stream and the \
                 fetches only."
            );
            wakeups.assert_at_most(
                2 * ONE_TIMER,
                ms(10_799_000),
                &format!("{what} waited for the stream"),
            );
        }
    });
    let watch = Stopwatch::start();
    let results = within(ms(24 * 3_600_000), &what, call).await;
    if let Err(failed) = watcher.await {
        std::panic::resume_unwind(failed.into_panic());
    }
    let elapsed = watch.elapsed();
    assert_eq!(
        results,
        [60, 10, 40, 90],
        "{} returned {results:?} after {}. Every id the stream yields must be fetched, \
         however long the stream goes quiet in between: only the end of the stream ends \
         fetch_all. A shorter result means fetch_all gave up after a timeout of its own \
         (the README asks for none).",
        case.what(),
        fmt_duration(elapsed)
    );
    assert_eq!(
        elapsed,
        ms(18_000_072),
        "{} returned after {}, expected exactly when the last fetch ends (18000019ms + \
         53ms).",
        case.what(),
        fmt_duration(elapsed)
    );
    assert_no_leaked_tasks("fetch_all returned").await;
}
