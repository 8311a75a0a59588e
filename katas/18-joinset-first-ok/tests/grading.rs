//! Grading tests for kata 18: take the first success with a `JoinSet`.
//!
//! Every test runs on a paused clock, so a job that "takes 317ms" takes
//! exactly 317ms of virtual time, and the instant `first_ok` returns shows
//! whether it waited for the right job. Every job carries a drop flag (was
//! it cancelled?) and counts itself in a shared counter when it finishes,
//! so a test can tell whether the jobs that lost were really stopped.
//!
//! Inputs are seeded: jobs of distinct odd durations in a shuffled order,
//! successes with labels that do not sort like the jobs, failures, jobs that
//! panic (with a `&str`, a `String` or a non-string payload) and jobs that
//! never finish; the first job to finish is often a failure, and the first
//! job in the list is rarely the first to succeed.
//!
//! | mistake a learner makes                                              | the test that catches it |
//! |----------------------------------------------------------------------|--------------------------|
//! | jobs awaited one after another, in the order given                   | `returns_at_the_first_success` |
//! | every job waited for before answering (`join_all`, a loop to the end) | `returns_at_the_first_success`, `the_other_jobs_are_aborted_once_one_succeeds` |
//! | the first job to finish returned, even when it failed                | `returns_at_the_first_success`, `all_failures_give_none_when_the_last_one_fails` |
//! | `None` before the last failure (a failure taken as the end)           | `all_failures_give_none_when_the_last_one_fails` |
//! | a `JoinError` unwrapped: a panicking job takes down the caller        | `a_panicking_job_counts_as_a_failure` |
//! | `while let Some(Ok(..)) = set.join_next()`: a panic ends the search   | `a_panicking_job_counts_as_a_failure` |
//! | `futures::future::select_ok`: panics on no jobs, and a job's panic reaches the caller | `no_jobs_give_none_at_once`, `a_panicking_job_counts_as_a_failure` |
//! | tasks spawned and their handles dropped: the losers keep running     | `the_other_jobs_are_aborted_once_one_succeeds` |
//! | `select_all` over JoinHandles: the remaining handles are dropped, not aborted | `the_other_jobs_are_aborted_once_one_succeeds` |
//! | `set.detach_all()` before returning: the losers keep running           | `the_other_jobs_are_aborted_once_one_succeeds` |
//! | the losers awaited "to clean up" before answering                      | `the_other_jobs_are_aborted_once_one_succeeds` |
//! | the losers aborted on return, but left running when the caller drops `first_ok` | `dropping_first_ok_stops_every_job` |
//! | waiting by polling (`try_join_next` + `sleep` or `yield_now` in a loop) | `waiting_for_the_jobs_costs_no_wakeups` |
//! | extra bounds on `T` or `E` (`Debug` to log a failure, `Clone`, `Sync`, `Unpin`) | the test file `outputs_need_only_send` does not compile |
//! | jobs that need not be `'static` or `Send` (futures polled in place instead of tasks) | `compile_checks` |

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use kata_18_joinset_first_ok::first_ok;
use kata_support::no_blocking;
use kata_support::no_spin;
use kata_support::{
    DropFlag, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_no_leaked_tasks,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, quiet_panics,
    track_drop, within,
};

type Job = BoxFuture<'static, Result<u32, String>>;

/// What one job does.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Spec {
    /// Succeeds with this value after this many ms.
    Ok(u64, u32),
    /// Fails after this many ms.
    Err(u64),
    /// Panics after this many ms, with a `&'static str` (0), a `String` (1)
    /// or a non-string payload (2).
    Panic(u64, u8),
    /// Never finishes.
    Never,
}

impl Spec {
    fn takes(&self) -> Option<u64> {
        match *self {
            Spec::Ok(takes, _) | Spec::Err(takes) | Spec::Panic(takes, _) => Some(takes),
            Spec::Never => None,
        }
    }

    fn describe(&self) -> String {
        match *self {
            Spec::Ok(takes, value) => format!("Ok({value}) after {}", fmt_duration(ms(takes))),
            Spec::Err(takes) => format!("Err after {}", fmt_duration(ms(takes))),
            Spec::Panic(takes, _) => format!("a panic after {}", fmt_duration(ms(takes))),
            Spec::Never => "a job that never finishes".to_string(),
        }
    }

    /// Its name on the timeline: job `index` and what it does.
    fn label(&self, index: usize) -> String {
        match *self {
            Spec::Ok(_, value) => format!("job {index} Ok({value})"),
            Spec::Err(_) => format!("job {index} Err"),
            Spec::Panic(..) => format!("job {index} panics"),
            Spec::Never => format!("job {index} never"),
        }
    }
}

/// A set of jobs and what they leave behind.
struct Jobs {
    specs: Vec<Spec>,
    flags: Vec<DropFlag>,
    finished: Arc<AtomicUsize>,
}

impl Jobs {
    /// The jobs of `specs`, each drawn on the timeline as a bar from its
    /// first poll to its end (or to when it is aborted), and the timeline
    /// started with what first_ok should do with them.
    fn new(specs: &[Spec]) -> (Jobs, Vec<Job>) {
        let finished = Arc::new(AtomicUsize::new(0));
        let mut flags = Vec::new();
        let mut jobs = Vec::new();
        for (index, &spec) in specs.iter().enumerate() {
            let job =
                Timeline::current().span(spec.label(index), Self::job(spec, finished.clone()));
            let (flag, job) = track_drop(job);
            flags.push(flag);
            jobs.push(Box::pin(job) as Job);
        }
        let set = Jobs {
            specs: specs.to_vec(),
            flags,
            finished,
        };
        set.timeline(set.expected().1);
        (set, jobs)
    }

    /// Starts the timeline a failing test shows: every job runs from the
    /// start, until it ends or is aborted when first_ok returns at
    /// `ends_at` (its answer, or the caller giving up). Nothing is drawn
    /// for a search that never ends.
    fn timeline(&self, ends_at: Option<u64>) -> Timeline {
        let timeline = Timeline::start(format!("first_ok({} jobs)", self.specs.len()));
        let Some(ends_at) = ends_at else {
            return timeline;
        };
        timeline.expect("first_ok", ms(0), ms(ends_at));
        for (index, spec) in self.specs.iter().enumerate() {
            let end = spec.takes().map_or(ends_at, |takes| takes.min(ends_at));
            timeline.expect(spec.label(index), ms(0), ms(end));
        }
        timeline
    }

    fn job(spec: Spec, finished: Arc<AtomicUsize>) -> Job {
        let Some(takes) = spec.takes() else {
            return Box::pin(std::future::pending());
        };
        Box::pin(quiet_panics(async move {
            tokio::time::sleep(ms(takes)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            match spec {
                Spec::Ok(_, value) => Ok(value),
                Spec::Panic(_, 0) => panic!("this job panics on purpose (a &str payload)"),
                Spec::Panic(_, 1) => {
                    panic!("this job panics on purpose ({} payload)", "a String")
                }
                Spec::Panic(..) => std::panic::panic_any(17u8),
                _ => Err(format!("job of {takes}ms failed")),
            }
        }))
    }

    fn what(&self) -> String {
        let specs: Vec<String> = self.specs.iter().map(Spec::describe).collect();
        format!("first_ok([{}])", specs.join(", "))
    }

    /// The answer and when: the earliest success, or None when the last
    /// failure is in (and never, if a job never finishes).
    fn expected(&self) -> (Option<u32>, Option<u64>) {
        let first_ok = self
            .specs
            .iter()
            .filter_map(|spec| match *spec {
                Spec::Ok(takes, value) => Some((takes, value)),
                _ => None,
            })
            .min();
        match first_ok {
            Some((takes, value)) => (Some(value), Some(takes)),
            None if self.specs.contains(&Spec::Never) => (None, None),
            None => (
                None,
                Some(self.specs.iter().filter_map(Spec::takes).max().unwrap_or(0)),
            ),
        }
    }

    fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }
}

/// The hang guard's limit: longer than the longest seeded job.
const DAY_MS: u64 = 24 * 3_600_000;

/// Runs `first_ok` under a hang guard; returns its answer and when.
async fn run(what: &str, jobs: Vec<Job>) -> (Option<u32>, Duration) {
    let watch = Stopwatch::start();
    // Some seeded jobs last hours (virtual time costs nothing): the guard
    // gives them a day.
    let answer = within(
        ms(DAY_MS),
        what,
        no_blocking(
            what,
            no_spin(what, Timeline::current().span("first_ok", first_ok(jobs))),
        ),
    )
    .await;
    (answer, watch.elapsed())
}

#[track_caller]
fn assert_answer(
    what: &str,
    got: (Option<u32>, Duration),
    expected: (Option<u32>, u64),
    why: &str,
) {
    let (answer, elapsed) = got;
    assert!(
        answer == expected.0 && elapsed == ms(expected.1),
        "{what} returned {answer:?} after {} of virtual time, expected {:?} after exactly \
         {}.\n{why}",
        fmt_duration(elapsed),
        expected.0,
        fmt_duration(ms(expected.1))
    );
}

/// Seeded jobs: 2 to 8 of them, distinct odd durations (in a quarter of
/// the cases, hours long), with at least one
/// success if `success` (whose labels do not sort like the jobs).
fn seeded_specs(rng: &mut Rng, success: bool) -> Vec<Spec> {
    let n = rng.range(2, 8) as usize;
    let mut takes = rng.distinct_odd_ms(n, 11, 1999);
    if rng.chance(1, 4) {
        // Jobs that take hours: nothing may give up on them early (a
        // "safety" timeout around the search answers None too soon).
        let hours = rng.range(1, 9) * 3_600_000;
        for t in &mut takes {
            *t += hours;
        }
    }
    let mut specs: Vec<Spec> = takes
        .iter()
        .map(|&takes| match rng.below(6) {
            0..=2 if success => Spec::Ok(takes, rng.range(1, 99_999) as u32),
            0..=3 => Spec::Err(takes),
            4 => Spec::Panic(takes, rng.below(3) as u8),
            _ => Spec::Err(takes),
        })
        .collect();
    if success && !specs.iter().any(|s| matches!(s, Spec::Ok(..))) {
        let slowest = (0..n).max_by_key(|&i| takes[i]).unwrap();
        specs[slowest] = Spec::Ok(takes[slowest], rng.range(1, 99_999) as u32);
    }
    if rng.chance(1, 2) {
        // The fastest job fails: the first result in is not the answer.
        let fastest = (0..n).min_by_key(|&i| takes[i]).unwrap();
        if specs.iter().filter(|s| matches!(s, Spec::Ok(..))).count() > 1 || !success {
            specs[fastest] = Spec::Err(takes[fastest]);
        }
    }
    specs
}

const WHY_FIRST_SUCCESS: &str = "All the jobs run at the same time, so the answer is the \
    success that finishes first, returned the moment it finishes. Later means first_ok waited \
    for more jobs than it needed (every job, or the jobs in the order given); another value \
    means it took a job that was not the first success (the jobs in the order given, or the \
    first job to finish although it failed); None although a job succeeded (hours later) means \
    first_ok gave up early, on a timeout of its own: the README asks for none. Take results in the order they finish with \
    `join_next()` and return at the first `Ok(Ok(value))`.";

#[tokio::test(start_paused = true)]
async fn returns_at_the_first_success() {
    // The example of the README first, then seeded cases.
    let readme = [
        Spec::Ok(300, 1),
        Spec::Ok(100, 2),
        Spec::Err(50),
        Spec::Ok(1000, 3),
    ];
    let (jobs, futures) = Jobs::new(&readme);
    let got = run(&jobs.what(), futures).await;
    assert_answer(&jobs.what(), got, (Some(2), 100), WHY_FIRST_SUCCESS);
    assert_no_leaked_tasks("first_ok returned").await;

    for_each_seed(48, |mut rng| async move {
        let specs = seeded_specs(&mut rng, true);
        let (jobs, futures) = Jobs::new(&specs);
        let what = jobs.what();
        let (answer, at) = jobs.expected();
        let got = run(&what, futures).await;
        assert_answer(
            &what,
            got,
            (answer, at.expect("a success")),
            WHY_FIRST_SUCCESS,
        );
        assert_no_leaked_tasks("first_ok returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn all_failures_give_none_when_the_last_one_fails() {
    for_each_seed(32, |mut rng| async move {
        let specs = seeded_specs(&mut rng, false);
        let (jobs, futures) = Jobs::new(&specs);
        let what = jobs.what();
        let (answer, at) = jobs.expected();
        let got = run(&what, futures).await;
        assert_answer(
            &what,
            got,
            (answer, at.expect("every job finishes")),
            "Every job fails (a panic is a failure too), so there is no answer: None, \
             returned once the last job has failed and not before, since until then a \
             success was still possible. `join_next()` returns None when the set is empty.",
        );
        assert_no_leaked_tasks("first_ok returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn no_jobs_give_none_at_once() {
    let got = run("first_ok(no jobs)", Vec::new()).await;
    assert_answer(
        "first_ok(no jobs)",
        got,
        (None, 0),
        "With no jobs there is nothing to wait for: None, at once. (`futures::future::select_ok` \
         panics on an empty list; a JoinSet's `join_next()` returns None at once.)",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_counts_as_a_failure() {
    // Each kind of panic payload, first alone before a success, then mixed.
    for payload in 0..3 {
        let specs = [
            Spec::Panic(13, payload),
            Spec::Err(7),
            Spec::Ok(29, 5),
            Spec::Ok(71, 6),
        ];
        let (jobs, futures) = Jobs::new(&specs);
        let what = jobs.what();
        let got = run(&what, futures).await;
        assert_answer(
            &what,
            got,
            (Some(5), 29),
            "A job that panics is a failed job: `join_next()` returns it as \
             `Some(Err(JoinError))`, the panic caught at the task's boundary. Skip it like a \
             job's own `Err`, and keep looking. (If this test itself panicked, the JoinError \
             was unwrapped, which re-raises the job's panic in the caller; if None came back, \
             the loop stopped at the JoinError, as `while let Some(Ok(..)) = \
             set.join_next().await` does.)",
        );
        assert_no_leaked_tasks("first_ok returned").await;
    }
    let specs = [
        Spec::Panic(101, 1),
        Spec::Panic(53, 2),
        Spec::Err(37),
        Spec::Panic(211, 0),
    ];
    let (jobs, futures) = Jobs::new(&specs);
    let what = jobs.what();
    let got = run(&what, futures).await;
    assert_answer(
        &what,
        got,
        (None, 211),
        "Every job failed or panicked: None, once the last one has.",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}

#[tokio::test(start_paused = true)]
async fn the_other_jobs_are_aborted_once_one_succeeds() {
    for_each_seed(32, |mut rng| async move {
        let mut specs = seeded_specs(&mut rng, true);
        // A job that never finishes, somewhere: first_ok must not wait for it.
        let at = rng.below(specs.len() as u64 + 1) as usize;
        specs.insert(at, Spec::Never);
        let (jobs, futures) = Jobs::new(&specs);
        let what = jobs.what();
        let (answer, at) = jobs.expected();
        let at = at.expect("a success");
        let got = run(&what, futures).await;
        assert_answer(&what, got, (answer, at), "The first success is the answer.");
        let finished_by_then = specs
            .iter()
            .filter(|s| s.takes().is_some_and(|takes| takes <= at))
            .count();

        // Aborted tasks are dropped the next time the runtime looks at them:
        // this yields a few times (no virtual time passes), counts the tasks
        // still alive, then waits a minute in which nothing may wake up.
        assert_nothing_left_running(&format!("{what} returned"), ms(60_000)).await;
        let never_dropped: Vec<String> = jobs
            .flags
            .iter()
            .zip(&specs)
            .filter(|(flag, _)| !flag.is_dropped())
            .map(|(_, spec)| spec.describe())
            .collect();
        assert!(
            never_dropped.is_empty() && jobs.finished() == finished_by_then,
            "{what} returned {answer:?} at {}ms, but the jobs it no longer needed were not \
             stopped: {} job(s) finished after it returned, and these were never dropped: \
             {never_dropped:?}.\nDropping a JoinHandle does not stop its task; a JoinSet \
             aborts every task still in it when it is dropped (returning from first_ok drops \
             it). With JoinHandles of your own, abort() each one you no longer need.",
            at,
            jobs.finished() - finished_by_then
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_first_ok_stops_every_job() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(2, 6) as usize;
        let takes = rng.distinct_odd_ms(n, 401, 1999);
        let mut specs: Vec<Spec> = takes
            .iter()
            .map(|&takes| {
                if rng.chance(1, 2) {
                    Spec::Ok(takes, rng.range(1, 999) as u32)
                } else {
                    Spec::Err(takes)
                }
            })
            .collect();
        specs.push(Spec::Never);
        rng.shuffle(&mut specs);
        let (jobs, futures) = Jobs::new(&specs);
        // Before any job has finished.
        let cancel_at = rng.odd_ms(11, 399);
        let what = format!(
            "{}, dropped by its caller after {}",
            jobs.what(),
            fmt_duration(ms(cancel_at))
        );
        // Every job is aborted when the caller gives up.
        let timeline = jobs.timeline(Some(cancel_at));
        let outcome = cancel_after(
            ms(cancel_at),
            no_spin(&what, timeline.span("first_ok", first_ok(futures))),
        )
        .await;
        assert!(
            outcome.is_none(),
            "{what}: it returned {outcome:?} before it was dropped, before any job had finished."
        );
        assert_nothing_left_running(&what, ms(60_000)).await;
        let never_dropped = jobs.flags.iter().filter(|flag| !flag.is_dropped()).count();
        assert!(
            never_dropped == 0 && jobs.finished() == 0,
            "{what}: after the caller dropped first_ok's future, {} job(s) still finished and \
             {never_dropped} were never dropped. When a future is dropped, everything it \
             started must stop: tasks spawned with tokio::spawn keep running when their \
             JoinHandles are dropped (aborting them on the way out of first_ok is not enough: \
             a dropped future never gets there). Spawn them into a JoinSet, which aborts its \
             tasks when it is dropped.",
            jobs.finished()
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn waiting_for_the_jobs_costs_no_wakeups() {
    let specs = [Spec::Err(317), Spec::Never, Spec::Ok(57_011, 9)];
    let (jobs, futures) = Jobs::new(&specs);
    let what = jobs.what();
    let (got, ()) = tokio::join!(run(&what, futures), async {
        // The failure is in at 317ms; from 1s on nothing happens until the
        // success, whose own timer may cost the wheel a few wake-ups.
        tokio::time::sleep(ms(1000)).await;
        Wakeups::assert_quiet_for(
            ms(50_000),
            ONE_TIMER,
            &format!("{what} waited for a job to finish"),
        )
        .await;
    });
    assert_answer(
        &what,
        got,
        (Some(9), 57_011),
        "The only success is the answer.",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}
