//! Grading tests for kata 20: limit concurrency with a `Semaphore`.
//!
//! Every test runs on a paused clock, so a job of 317ms takes exactly 317ms
//! of virtual time, and the instant each job starts tells how the jobs were
//! scheduled. Each job enters a `ConcurrencyProbe` while it runs (from its
//! first poll to its end), which remembers the most jobs ever running at
//! once, and records when it started and finished.
//!
//! Inputs are seeded and irregular: job times are odd (never a multiple of
//! 5ms) and unequal, so completion order is not input order; the limit is
//! sometimes 1, sometimes above the number of jobs; outputs are labels that
//! do not sort back into input order. The jobs pause on a seeded `Jitter`
//! as they start and end, which changes the order in which jobs that start
//! or end at the same instant get there, without moving the clock: a
//! correct pool does not depend on it.
//!
//! | mistake a learner makes                                              | the test that catches it |
//! |----------------------------------------------------------------------|--------------------------|
//! | no limit at all (`join_all` every job, a task per job)              | `never_more_than_limit_jobs_run_at_once` |
//! | `let _ = semaphore.acquire().await`: the permit is dropped at once   | `never_more_than_limit_jobs_run_at_once` |
//! | every job spawned first, the semaphore only around awaiting handles  | `never_more_than_limit_jobs_run_at_once` |
//! | one job at a time (the limit ignored the other way)                  | `never_more_than_limit_jobs_run_at_once`, `each_job_starts_as_soon_as_a_slot_is_free` |
//! | fixed batches of `limit` (`chunks` + `join_all`): slots idle         | `each_job_starts_as_soon_as_a_slot_is_free`, `six_jobs_at_limit_two_end_at_four_seconds` |
//! | `buffered(limit)`: a finished job keeps its slot until the jobs before it finish | `each_job_starts_as_soon_as_a_slot_is_free`, `six_jobs_at_limit_two_end_at_four_seconds` |
//! | jobs started out of order (a worker pool that pops from the end)     | `each_job_starts_as_soon_as_a_slot_is_free` |
//! | a task spawned per job that waits for its permit inside: the permits go in the order the tasks are polled, which on a multi-thread runtime is not the order of `jobs` | `jobs_take_the_slots_in_input_order_on_a_multi_thread_runtime` |
//! | one process-wide pool (a `static` counter or semaphore) shared by every call | `two_calls_at_once_each_have_their_own_slots` |
//! | outputs in completion order                                          | `results_come_back_in_input_order` |
//! | waiting for a free slot by polling (`try_acquire` + `sleep` or `yield_now` in a loop) | `waiting_for_a_slot_costs_no_wakeups` |
//! | spawned jobs left running when the caller drops `run_limited` (detached `JoinHandle`s) | `dropping_run_limited_stops_every_job` |
//! | a channel or buffer sized by the number of jobs (`mpsc::channel(0)` panics) | `no_jobs_return_at_once` |
//! | extra bounds on `T` (`Clone` for `vec![None; n]`, `Debug`, `Default`, `Sync`, `Unpin`) | the test file `outputs_need_only_send` does not compile |
//!
//! One test runs on a multi-thread runtime, for the order in which the
//! slots are handed out (see its comment). Not tested there: a race in
//! hand-made shared state (a `try_lock` on the results) needs two threads to
//! meet in a window of nanoseconds, which no test can make happen reliably
//! on a small machine.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use kata_20_semaphore_limit::run_limited;
use kata_support::no_blocking;
use kata_support::no_spin;
use kata_support::{
    ConcurrencyProbe, Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_no_leaked_tasks,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, for_each_seed_sync, ms,
    no_hang, on_multi_thread, quiet_panics,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// When one job started (was first polled) and finished, in virtual ms.
type Span = (Option<u64>, Option<u64>);

/// The setup of one call: job `i` takes `takes[i]` ms and returns
/// `labels[i]`; all of them are watched by one probe and one timeline.
struct Batch {
    takes: Vec<u64>,
    labels: Vec<u64>,
    limit: usize,
    /// Put before the names of its bars on the drawn timeline ("job 3",
    /// "run_limited"), to tell two calls apart ("A job 3").
    tag: &'static str,
    probe: ConcurrencyProbe,
    start: Instant,
    spans: Arc<Mutex<Vec<Span>>>,
    jitter: Jitter,
}

impl Batch {
    fn new(takes: &[u64], limit: usize) -> Self {
        // Labels that do not sort into input order.
        let labels = (0..takes.len() as u64)
            .map(|i| (i * 37 + 11) % 53)
            .collect();
        Batch::with(takes, labels, limit, Jitter::none())
    }

    fn with(takes: &[u64], labels: Vec<u64>, limit: usize, jitter: Jitter) -> Self {
        Batch {
            takes: takes.to_vec(),
            labels,
            limit,
            tag: "",
            probe: ConcurrencyProbe::new(),
            start: Instant::now(),
            spans: Arc::new(Mutex::new(vec![(None, None); takes.len()])),
            jitter,
        }
    }

    /// A seeded batch: 3 to 12 jobs of unequal odd durations (two may be equal),
    /// labels in no particular order, a limit chosen by `shape`.
    fn seeded(rng: &mut Rng, shape: u32) -> Self {
        let n = rng.range(3, 12) as usize;
        let mut takes = rng.distinct_odd_ms(n, 101, 1999);
        if rng.chance(1, 3) {
            // The same duration twice: two jobs end at the same instant.
            let (from, to) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
            takes[to] = takes[from];
        }
        let limit = match shape % 4 {
            0 => 1,
            1 => n + rng.range(0, 3) as usize,
            _ => rng.range(2, n as u64 - 1) as usize,
        };
        let labels = (0..n).map(|_| rng.range(1, 999_999)).collect();
        Batch::with(&takes, labels, limit, Jitter::new(rng.next_u64()))
    }

    fn what(&self) -> String {
        let takes: Vec<String> = self.takes.iter().map(|t| fmt_duration(ms(*t))).collect();
        format!(
            "run_limited(jobs of [{}], limit {})",
            takes.join(", "),
            self.limit
        )
    }

    fn jobs(&self) -> Vec<BoxFuture<'static, u64>> {
        (0..self.takes.len()).map(|index| self.job(index)).collect()
    }

    /// Job `index`, drawn on the timeline from its first poll to its end.
    fn job(&self, index: usize) -> BoxFuture<'static, u64> {
        let (probe, spans, start) = (self.probe.clone(), self.spans.clone(), self.start);
        let (takes, label) = (self.takes[index], self.labels[index]);
        let now = move || (Instant::now() - start).as_millis() as u64;
        let jitter = self.jitter.clone();
        let bar = format!("{}job {index}", self.tag);
        Box::pin(Timeline::current().span(bar, async move {
            // A few seeded yields (no virtual time) at the start and the end
            // of the job: jobs that start or end at the same instant do so
            // in an order that depends on the seed.
            jitter.pause().await;
            let _running = probe.enter();
            spans.lock().unwrap()[index].0 = Some(now());
            tokio::time::sleep(ms(takes)).await;
            jitter.pause().await;
            spans.lock().unwrap()[index].1 = Some(now());
            label
        }))
    }

    /// Starts the timeline a failing test shows, with this call's schedule
    /// on it ([`Batch::expect_on`]).
    fn timeline(&self) -> Timeline {
        let timeline = Timeline::start(format!(
            "run_limited({} jobs, limit {})",
            self.takes.len(),
            self.limit
        ));
        self.expect_on(&timeline, self.expected_end());
        timeline
    }

    /// Draws what run_limited should do, up to `until` (when it returns,
    /// or when its caller gives up): each job from the moment a slot is
    /// free for it until it ends, never more than `limit` at once.
    fn expect_on(&self, timeline: &Timeline, until: u64) {
        timeline.expect(format!("{}run_limited", self.tag), ms(0), ms(until));
        for (index, (start, takes)) in self.expected_starts().iter().zip(&self.takes).enumerate() {
            if *start < until || (*start == until && *takes == 0) {
                let end = (start + takes).min(until);
                timeline.expect(format!("{}job {index}", self.tag), ms(*start), ms(end));
            }
        }
    }

    /// Runs the batch with its own timeline; returns the outputs and when
    /// run_limited returned.
    async fn run(&self) -> (Vec<u64>, Duration) {
        self.timeline();
        self.call().await
    }

    /// Runs the batch, drawn on whatever timeline is being recorded.
    async fn call(&self) -> (Vec<u64>, Duration) {
        let watch = Stopwatch::start();
        let what = self.what();
        let call = Timeline::current().span(
            format!("{}run_limited", self.tag),
            run_limited(self.jobs(), self.limit),
        );
        let call = no_blocking(&what, no_spin(&what, call));
        let outputs = no_hang(&what, call).await;
        (outputs, watch.elapsed())
    }

    fn spans(&self) -> Vec<Span> {
        self.spans.lock().unwrap().clone()
    }

    /// When each job must start: the moment a slot is free, in input order
    /// (a fair semaphore hands permits out first come, first served).
    fn expected_starts(&self) -> Vec<u64> {
        let mut ends: BinaryHeap<Reverse<u64>> = BinaryHeap::new();
        let mut previous = 0;
        let mut starts = Vec::new();
        for &takes in &self.takes {
            let free_at = if ends.len() < self.limit {
                0
            } else {
                ends.pop().expect("a running job").0
            };
            let start = free_at.max(previous);
            starts.push(start);
            ends.push(Reverse(start + takes));
            previous = start;
        }
        starts
    }

    fn expected_end(&self) -> u64 {
        self.expected_starts()
            .iter()
            .zip(&self.takes)
            .map(|(start, takes)| start + takes)
            .max()
            .unwrap_or(0)
    }

    /// One line per job: how long it takes, when it started and finished,
    /// and when it should have started.
    fn describe(&self) -> String {
        let show = |at: Option<u64>| at.map_or("never".to_string(), |at| fmt_duration(ms(at)));
        let expected = self.expected_starts();
        self.spans()
            .iter()
            .enumerate()
            .map(|(index, (started, finished))| {
                format!(
                    "  job {index} (takes {}): started at {}, finished at {}{}\n",
                    fmt_duration(ms(self.takes[index])),
                    show(*started),
                    show(*finished),
                    if *started == Some(expected[index]) {
                        String::new()
                    } else {
                        format!(" (should have started at {})", show(Some(expected[index])))
                    }
                )
            })
            .collect()
    }
}

/// The curriculum's example: one long job and five short ones, 2 at a time.
const SIX_JOBS: [u64; 6] = [3000, 1000, 1000, 1000, 1000, 1000];

#[tokio::test(start_paused = true)]
async fn six_jobs_at_limit_two_end_at_four_seconds() {
    let batch = Batch::new(&SIX_JOBS, 2);
    let (outputs, elapsed) = batch.run().await;
    assert_eq!(
        elapsed,
        ms(4000),
        "{} returned after {} of virtual time, expected exactly 4s.\n\
         With 2 slots, job 0 (3s) holds one slot while jobs 1, 2 and 3 run one after \
         another in the other; jobs 4 and 5 start together at 3s and end at 4s. \
         5s means a slot sat idle: fixed batches (a batch waits for its slowest job), or \
         `buffered(limit)` (a finished job keeps its slot until every job before it is \
         done). Start the next job the moment any job finishes: each job holds a Semaphore \
         permit only while it runs. 3s means nothing was limited. 8s means one job at a \
         time.\nWhen each job ran:\n{}",
        batch.what(),
        fmt_duration(elapsed),
        batch.describe()
    );
    let report = format!(
        "{}\n{}returned {:?} at {}, peak {} running at once\n",
        batch.what(),
        batch.describe(),
        outputs,
        fmt_duration(elapsed),
        batch.probe.peak()
    );
    insta::with_settings!({
        description => "run_limited(six jobs of 3s, 1s, 1s, 1s, 1s, 1s, limit 2). Jobs start in \
            order, each as soon as a slot is free: jobs 0 and 1 at once, job 2 when job 1 \
            ends (1s), job 3 at 2s, jobs 4 and 5 at 3s when jobs 0 and 3 end. Everything \
            is done at 4s, never more than 2 running. Each job returns its label.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("six_jobs_timeline", report);
    });
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn each_job_starts_as_soon_as_a_slot_is_free() {
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        shape += 1;
        let batch = Batch::seeded(&mut rng, shape);
        async move {
            let (_, elapsed) = batch.run().await;
            let starts: Vec<Option<u64>> = batch.spans().iter().map(|s| s.0).collect();
            let expected: Vec<Option<u64>> =
                batch.expected_starts().into_iter().map(Some).collect();
            assert!(
                starts == expected && elapsed == ms(batch.expected_end()),
                "{} returned after {}, expected exactly {}, with every job starting the \
                 moment a slot is free, in the order of the jobs.\nWhen each job ran:\n{}\
                 A job that started late means a slot sat idle: fixed batches (a batch waits \
                 for its slowest job), `buffered(limit)` (a finished job keeps its slot until \
                 the jobs before it are done), one job at a time, or a loop that checks for a \
                 free slot now and then instead of awaiting `acquire()`. A job that started \
                 early means the limit was not held, or jobs were taken out of order (the \
                 jobs must start in the order of the Vec).",
                batch.what(),
                fmt_duration(elapsed),
                fmt_duration(ms(batch.expected_end())),
                batch.describe()
            );
            assert_no_leaked_tasks("run_limited returned").await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn two_calls_at_once_each_have_their_own_slots() {
    let mut shape = 0;
    for_each_seed(24, |mut rng| {
        shape += 1;
        let mut first = Batch::seeded(&mut rng, shape);
        let mut second = Batch::seeded(&mut rng, shape + 2);
        (first.tag, second.tag) = ("A ", "B ");
        async move {
            // Both schedules on one timeline, each call with its own slots.
            let timeline = Timeline::start(format!(
                "two run_limited calls at once (A: {} jobs, limit {}; B: {} jobs, limit {})",
                first.takes.len(),
                first.limit,
                second.takes.len(),
                second.limit
            ));
            first.expect_on(&timeline, first.expected_end());
            second.expect_on(&timeline, second.expected_end());
            let ((_, first_elapsed), (_, second_elapsed)) =
                tokio::join!(first.call(), second.call());
            for (name, batch, elapsed) in [
                ("the first", &first, first_elapsed),
                ("the second", &second, second_elapsed),
            ] {
                let starts: Vec<Option<u64>> = batch.spans().iter().map(|s| s.0).collect();
                let expected: Vec<Option<u64>> =
                    batch.expected_starts().into_iter().map(Some).collect();
                assert!(
                    starts == expected && elapsed == ms(batch.expected_end()),
                    "Two calls ran at the same time: {} and {}.\n{name} call returned after \
                     {}, expected exactly {}, with every job starting the moment one of its \
                     own {} slots is free.\nWhen each of its jobs ran:\n{}\
                     Each call has its own `limit` slots: the other call's jobs must not take \
                     them. Jobs that started late (or early) usually mean the slots are \
                     shared by every call in the process (a `static` counter, semaphore or \
                     Notify): create the Semaphore inside run_limited.",
                    first.what(),
                    second.what(),
                    fmt_duration(elapsed),
                    fmt_duration(ms(batch.expected_end())),
                    batch.limit,
                    batch.describe()
                );
            }
            assert_no_leaked_tasks("both run_limited calls returned").await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_jobs_run_at_once() {
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        shape += 1;
        let batch = Batch::seeded(&mut rng, shape);
        async move {
            let _ = batch.run().await;
            batch.probe.assert_peak_at_most(
                batch.limit,
                &format!(
                    "{} (a job runs from its first poll to its end; `let _ = \
                     semaphore.acquire()` gives the permit back at once, and a spawned job \
                     starts running as soon as it is spawned)",
                    batch.what()
                ),
            );
            let slots = batch.limit.min(batch.takes.len());
            assert_eq!(
                batch.probe.peak(),
                slots,
                "{}: at most {} job(s) ever ran at the same time, but {slots} may, and there \
                 was always work waiting. The limit is a maximum to use: jobs must run \
                 concurrently, up to `limit` at once.\nWhen each job ran:\n{}",
                batch.what(),
                batch.probe.peak(),
                batch.describe()
            );
            assert_no_leaked_tasks("run_limited returned").await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_input_order() {
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        shape += 1;
        let batch = Batch::seeded(&mut rng, shape);
        async move {
            let (outputs, _) = batch.run().await;
            assert_eq!(
                outputs,
                batch.labels,
                "{} returned {outputs:?}, expected {:?}: job i's output at index i, in the \
                 order of the jobs, not the order they finish. `join_all` keeps the input \
                 order; if you collect outputs as they complete (a channel, a JoinSet, \
                 FuturesUnordered), carry each job's index along and put its output back \
                 at that index.\nWhen each job ran:\n{}",
                batch.what(),
                batch.labels,
                batch.describe()
            );
            assert_no_leaked_tasks("run_limited returned").await;
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn waiting_for_a_slot_costs_no_wakeups() {
    // One slot: job 0 holds it for 57s, job 1 waits all that time.
    let batch = Batch::new(&[57_011, 317], 1);
    let quiet = ms(50_000);
    let (outputs, ()) = tokio::join!(async { batch.run().await.0 }, async {
        // Let run_limited start job 0 first (no virtual time passes).
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        // Job 0's own timer may cost the wheel a few wake-ups.
        Wakeups::assert_quiet_for(
            quiet,
            ONE_TIMER,
            "run_limited(a 57s job and a 317ms job, limit 1) waited for its only slot",
        )
        .await;
    });
    assert_eq!(
        outputs,
        batch.labels,
        "{} returned {outputs:?}",
        batch.what()
    );
    assert_eq!(
        batch.spans()[1].0,
        Some(57_011),
        "{}: job 1 should start the moment job 0 frees the slot, at 57011ms.\n{}",
        batch.what(),
        batch.describe()
    );
    assert_no_leaked_tasks("run_limited returned").await;
}

#[tokio::test(start_paused = true)]
async fn dropping_run_limited_stops_every_job() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(5, 10) as usize;
        let takes = rng.distinct_odd_ms(n, 201, 1999);
        let limit = rng.range(2, 3) as usize;
        let batch = Batch::with(&takes, (0..n as u64).collect(), limit, Jitter::none());
        // Somewhere in the middle of the run, while jobs are running and
        // others are waiting for a slot.
        let cancel_at = rng.odd_ms(batch.expected_end() / 4, batch.expected_end() / 2);
        let what = format!(
            "{}, dropped after {} (a caller's timeout)",
            batch.what(),
            fmt_duration(ms(cancel_at))
        );
        // Every job stops when the caller gives up.
        let timeline = Timeline::start(format!(
            "run_limited({n} jobs, limit {limit}), dropped after {}",
            fmt_duration(ms(cancel_at))
        ));
        batch.expect_on(&timeline, cancel_at);
        let outcome = cancel_after(
            ms(cancel_at),
            no_spin(
                &what,
                timeline.span("run_limited", run_limited(batch.jobs(), limit)),
            ),
        )
        .await;
        assert!(
            outcome.is_none(),
            "{what}: it returned before it was dropped, at {cancel_at}ms, although the jobs \
             take until {}ms.",
            batch.expected_end()
        );
        let finished_then = batch.spans().iter().filter(|s| s.1.is_some()).count();
        assert_nothing_left_running(&what, ms(60_000)).await;
        let spans = batch.spans();
        let finished_later = spans.iter().filter(|s| s.1.is_some()).count() - finished_then;
        let started_later = spans
            .iter()
            .filter(|s| s.0.is_some_and(|at| at > cancel_at))
            .count();
        assert!(
            finished_later == 0 && started_later == 0 && batch.probe.in_flight() == 0,
            "{what}: after the caller dropped run_limited's future, {started_later} job(s) \
             still started, {finished_later} still finished, and {} were never dropped. \
             When a future is dropped, everything it started must stop: spawned tasks keep \
             running when their JoinHandles are dropped. Keep the jobs inside the future \
             (join_all), or spawn them into a JoinSet, which aborts its tasks when dropped.\n\
             When each job ran:\n{}",
            batch.probe.in_flight(),
            batch.describe()
        );
    })
    .await;
}

/// The slots go to the jobs in the order of `jobs`, on a multi-thread
/// runtime too.
///
/// On the current-thread runtime, tasks run in the order they were spawned,
/// so tasks that each wait for their own permit ask the semaphore in input
/// order, and the virtual-time tests cannot tell them from a correct pool.
/// On a multi-thread runtime they do not: a task spawned from a worker
/// thread goes to the front of its queue (the "LIFO slot"), so the last one
/// spawned asks first. With one worker that schedule is the same on every
/// run. No timers here (tokio cannot pause this runtime's clock): each job
/// reports its first poll and waits until the test lets it finish.
#[test]
fn jobs_take_the_slots_in_input_order_on_a_multi_thread_runtime() {
    for_each_seed_sync(8, |rng| {
        on_multi_thread(1, 1, "handing out the slots", move |_| {
            // Quiet on the worker: the test's thread reports the failure,
            // with the seed that replays it.
            quiet_panics(slots_in_input_order(rng.clone()))
        });
    });
}

async fn slots_in_input_order(mut rng: Rng) {
    let n = rng.range(4, 12) as usize;
    let limit = rng.range(1, n as u64 - 1) as usize;
    let what = format!("run_limited({n} jobs, limit {limit}) on a multi-thread runtime");
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let mut finish = Vec::with_capacity(n);
    let mut jobs: Vec<BoxFuture<'static, usize>> = Vec::with_capacity(n);
    for index in 0..n {
        let (release, released) = oneshot::channel::<()>();
        finish.push(Some(release));
        let started_tx = started_tx.clone();
        jobs.push(Box::pin(async move {
            let _ = started_tx.send(index);
            let _ = released.await;
            index
        }));
    }
    drop(started_tx);
    // run_limited runs as a task of its own, so that whatever it spawns is
    // spawned from the worker thread.
    let Some(call) = OnAWorker(run_limited(jobs, limit)).spawn() else {
        // run_limited's future is not Send: it cannot run on a worker, and
        // whatever it does, it does on its caller's thread.
        return;
    };

    settle().await;
    let first = started_now(&mut started);
    let mut wave = first.clone();
    wave.sort_unstable();
    assert_eq!(
        wave,
        (0..limit).collect::<Vec<_>>(),
        "{what}: the jobs that started first were {first:?} (in that order), expected jobs 0 \
         to {} (the first {limit} in the order of `jobs`), while the others wait for a free \
         slot. On a multi-thread runtime, spawned tasks are not polled in the order they were \
         spawned (the last one spawned often runs first): tasks that each wait for their own \
         permit get the permits in that order, not in input order. Take the permit before \
         spawning a job's task (acquire_owned, then spawn), or do not spawn at all (join_all \
         of the wrapped jobs).",
        limit - 1
    );
    let mut running = first;
    let mut next = limit;
    while !running.is_empty() {
        let done = running.remove(rng.below(running.len() as u64) as usize);
        let _ = finish[done]
            .take()
            .expect("each job finishes once")
            .send(());
        settle().await;
        let now = started_now(&mut started);
        let expected: Vec<usize> = if next < n { vec![next] } else { vec![] };
        assert_eq!(
            now, expected,
            "{what}: when job {done} finished (jobs {running:?} still running), jobs {now:?} \
             started, expected {expected:?}: the next job in the order of `jobs` takes the slot \
             that was freed. Tasks that each wait for their own permit ask for it in whatever \
             order the runtime polls them; take the permit before spawning the job's task."
        );
        running.extend(now);
        next += expected.len();
    }
    let outputs = call.await.expect("run_limited panicked");
    assert_eq!(
        outputs,
        (0..n).collect::<Vec<_>>(),
        "{what}: the outputs must come back in the order of `jobs`."
    );
}

/// Lets every task that is ready run, without a timer.
async fn settle() {
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

/// The indices of the jobs that reported their first poll since last time.
fn started_now(started: &mut mpsc::UnboundedReceiver<usize>) -> Vec<usize> {
    let mut now = Vec::new();
    while let Ok(index) = started.try_recv() {
        now.push(index);
    }
    now
}

/// `run_limited`'s future, to be spawned as a task of its own if it is
/// `Send`. A correct `run_limited` need not be `Send` (it can keep an `Rc`
/// across an `.await`): then [`NotSend::spawn`] is the method called, and
/// returns `None`. (Method resolution prefers the inherent method, whose
/// bounds hold only for a `Send` future.)
struct OnAWorker<F>(F);

impl<F> OnAWorker<F>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn spawn(self) -> Option<JoinHandle<F::Output>> {
        Some(tokio::spawn(self.0))
    }
}

// Unused when run_limited's future is Send, as the reference's is.
#[allow(dead_code)]
trait NotSend<O> {
    fn spawn(self) -> Option<JoinHandle<O>>;
}

impl<F: std::future::Future> NotSend<F::Output> for OnAWorker<F> {
    fn spawn(self) -> Option<JoinHandle<F::Output>> {
        None
    }
}

#[tokio::test(start_paused = true)]
async fn no_jobs_return_at_once() {
    for limit in [1, 3] {
        let batch = Batch::new(&[], limit);
        let (outputs, elapsed) = batch.run().await;
        assert!(
            outputs.is_empty() && elapsed.is_zero(),
            "{} returned {outputs:?} after {}, expected [] at once.",
            batch.what(),
            fmt_duration(elapsed)
        );
        assert_no_leaked_tasks("run_limited returned").await;
    }
}
