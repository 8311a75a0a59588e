//! Grading tests for kata 04: spawn and join.
//!
//! Every job sleeps on tokio's paused clock, so "did the jobs run at the
//! same time?" is a question about exact virtual time: jobs of 317, 1013
//! and 743ms take 1013ms together, and 2073ms one after the other.
//!
//! Jobs take irregular, different times and return values in no particular
//! order, so that collecting results in the order the jobs finish, or
//! sorting them afterwards, cannot look right. The cases are seeded: a
//! failure names its seed and how to replay it.
//!
//! Some jobs panic on purpose. Their panics are kept out of the test output
//! (kata_support::quiet_panics), so that a failure message is always about
//! your code, never about a job doing what it was told.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | awaits each handle right after spawning it (sum, not max) | `jobs_run_at_the_same_time` |
//! | results in completion order (JoinSet, FuturesUnordered) | `jobs_run_at_the_same_time`, `results_come_back_in_job_order` |
//! | results sorted back by value | `jobs_run_at_the_same_time` |
//! | `unwrap()` on a JoinHandle's result: run_jobs panics | `a_panicking_job_does_not_take_down_the_others` |
//! | jobs joined without spawning: a job's panic unwinds run_jobs | `a_panicking_job_does_not_take_down_the_others` |
//! | JoinError's Display instead of the panic's message | `a_panic_is_reported_with_its_message` |
//! | only `&str` payloads downcast (a `String` message lost) | `a_panic_is_reported_with_its_message` |
//! | `into_panic()` on a cancelled task's JoinError | `jobs_whose_runtime_shuts_down_are_cancelled` |
//! | polls `is_finished()` on a timer instead of awaiting | `run_jobs_waits_without_polling` |
//! | handles dropped when the caller gives up: jobs keep running | `dropping_run_jobs_aborts_every_job` |
//! | a "safety" timeout around each job (a long job reported as Cancelled) | `a_job_may_run_for_hours` |

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kata_04_spawn_and_join::{Job, JobFailure, run_jobs};
use kata_support::{
    DropFlag, HANG_LIMIT, ONE_TIMER, Rng, Stopwatch, Wakeups, assert_no_leaked_tasks,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, panic_message,
    quiet_panics, within,
};
use tokio::time::sleep;
use tokio_test::{assert_pending, assert_ready};

/// A job that takes `millis` and returns `value`.
fn ok_after(millis: u64, value: u64) -> Job {
    Box::pin(async move {
        sleep(ms(millis)).await;
        value
    })
}

/// How a job panics: the panic's payload differs.
#[derive(Debug, Clone)]
enum Panic {
    /// `panic!("literal")`-style: the payload is a `&'static str`.
    Literal(&'static str),
    /// `panic!("{x}")`-style: the payload is a `String`.
    Formatted(String),
    /// `panic_any(42u32)`: the payload is neither; any message will do.
    NotText,
}

impl Panic {
    fn expected(&self) -> Option<String> {
        match self {
            Panic::Literal(text) => Some(text.to_string()),
            Panic::Formatted(text) => Some(text.clone()),
            Panic::NotText => None,
        }
    }
}

/// A job that takes `millis`, then panics as `how` says.
fn panics_after(millis: u64, how: Panic) -> Job {
    Box::pin(quiet_panics(async move {
        sleep(ms(millis)).await;
        match how {
            Panic::Literal(text) => std::panic::panic_any(text),
            Panic::Formatted(text) => std::panic::panic_any(text),
            Panic::NotText => std::panic::panic_any(42u32),
        }
    }))
}

/// Messages with characters that `Display` or `Debug` would escape.
const LITERALS: &[&str] = &[
    "disk on fire",
    "cannot parse \"42x\" as a number",
    "line one\nline two",
    "tâche échouée ⚠",
    "",
];

fn some_panic(rng: &mut Rng) -> Panic {
    match rng.below(3) {
        0 => Panic::Literal(LITERALS[rng.below(LITERALS.len() as u64) as usize]),
        1 => Panic::Formatted(format!(
            "job {} gave up after {}ms",
            rng.range(1, 99),
            rng.odd_ms(10, 999)
        )),
        _ => Panic::NotText,
    }
}

/// `run_jobs(jobs)`, run as a task of its own so that a panic in
/// `run_jobs` itself is reported clearly.
async fn run(what: &str, jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    run_within(HANG_LIMIT, what, jobs).await
}

/// [`run`], for jobs that take longer than the usual hang guard allows.
async fn run_within(limit: Duration, what: &str, jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let task = tokio::spawn(quiet_panics(run_jobs(jobs)));
    match within(limit, what, task).await {
        Ok(results) => results,
        Err(error) if error.is_panic() => {
            let message = panic_message(&*error.into_panic());
            if message.starts_with("not yet implemented") {
                panic!("{message}");
            }
            panic!(
                "{what}: run_jobs itself panicked with: {message}\n\
                 A job's panic does not reach your code as a panic when the job runs as a \
                 task of its own: the task catches it, and awaiting the JoinHandle gives \
                 Err(JoinError). Unwrapping that (or calling `into_panic()` on a JoinError \
                 that is not a panic) panics again, in run_jobs, and every other job's \
                 result is lost; so does a job that is awaited directly instead of spawned. \
                 Spawn every job, and turn the JoinError into a JobFailure."
            )
        }
        Err(error) => panic!("{what}: the test's own task was cancelled: {error}"),
    }
}

fn durations(list: &[u64]) -> String {
    list.iter()
        .map(|d| fmt_duration(ms(*d)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test(start_paused = true)]
async fn jobs_run_at_the_same_time() {
    // No jobs: no results, at once.
    let watch = Stopwatch::start();
    let results = run("run_jobs(no jobs)", Vec::new()).await;
    assert!(
        results.is_empty(),
        "run_jobs(no jobs) returned {results:?}, expected no results."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "run_jobs(no jobs)",
        "With nothing to run there is nothing to wait for.",
    );

    for_each_seed(24, |mut rng| async move {
        let n = rng.range(2, 8) as usize;
        let times = rng.distinct_odd_ms(n, 20, 2500);
        let values: Vec<u64> = (0..n).map(|_| rng.range(0, 999)).collect();
        let what = format!("run_jobs(jobs of {})", durations(&times));
        let jobs = times
            .iter()
            .zip(&values)
            .map(|(t, v)| ok_after(*t, *v))
            .collect();

        let watch = Stopwatch::start();
        let results = run(&what, jobs).await;
        let slowest = *times.iter().max().unwrap();
        watch.assert_elapsed(
            ms(slowest),
            &what,
            &format!(
                "Every job is its own task, and a task starts running as soon as it is \
                 spawned, so the jobs overlap and the slowest one ({}) decides. {} (the sum) \
                 means each job only started once the previous one was done: was each handle \
                 awaited right after its spawn? Spawn them all first, then await the handles.",
                fmt_duration(ms(slowest)),
                fmt_duration(ms(times.iter().sum()))
            ),
        );
        let expected: Vec<Result<u64, JobFailure>> = values.iter().map(|v| Ok(*v)).collect();
        assert_eq!(
            results, expected,
            "{what}, returning {values:?}, gave {results:?}: one result per job, in the order \
             of the jobs (not the order they finished in, and not sorted)."
        );
        assert_no_leaked_tasks("run_jobs returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_job_may_run_for_hours() {
    // Hours of virtual time cost nothing on the paused clock. A job is
    // Cancelled only when its task was cancelled: nothing may cut it short.
    for_each_seed(3, |mut rng| async move {
        let n = rng.range(2, 5) as usize;
        let mut times = rng.distinct_odd_ms(n, 20, 2500);
        let long = rng.below(n as u64) as usize;
        times[long] = rng.odd_ms(3 * 3_600_000, 30 * 3_600_000);
        let values: Vec<u64> = (0..n).map(|_| rng.range(0, 999)).collect();
        let what = format!("run_jobs(jobs of {})", durations(&times));
        let jobs = times
            .iter()
            .zip(&values)
            .map(|(t, v)| ok_after(*t, *v))
            .collect();

        let watch = Stopwatch::start();
        let results = run_within(ms(times[long]) + HANG_LIMIT, &what, jobs).await;
        let expected: Vec<Result<u64, JobFailure>> = values.iter().map(|v| Ok(*v)).collect();
        assert_eq!(
            results,
            expected,
            "{what}, returning {values:?}, gave {results:?}. Job {long} takes {}, and it must \
             get its result like any other: run_jobs waits for every job however long it \
             takes, and reports Cancelled only when a task really was cancelled (aborted, or \
             its runtime shut down). A timeout wrapped around each job, however generous, \
             turns a slow job into a made-up failure.",
            fmt_duration(ms(times[long]))
        );
        watch.assert_elapsed(
            ms(times[long]),
            &what,
            "run_jobs returns when its slowest job is done, however long that takes.",
        );
        assert_no_leaked_tasks("run_jobs returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_job_order() {
    let batch: Vec<(&str, Job)> = vec![
        ("takes 1013ms, returns 42", ok_after(1013, 42)),
        (
            "takes 317ms, then panics",
            panics_after(317, Panic::Literal("disk on fire")),
        ),
        ("takes 1517ms, returns 7", ok_after(1517, 7)),
        (
            "takes 743ms, then panics",
            panics_after(743, Panic::Formatted("job 3 gave up after 743ms".into())),
        ),
        ("ready at once, returns 19", Box::pin(async { 19 })),
        ("takes 211ms, returns 3", ok_after(211, 3)),
    ];
    let (labels, jobs): (Vec<&str>, Vec<Job>) = batch.into_iter().unzip();

    let watch = Stopwatch::start();
    let results = run("run_jobs(six jobs, two of which panic)", jobs).await;

    let mut report = format!("returned at: {}ms\n", watch.elapsed_ms());
    for (index, label) in labels.iter().enumerate() {
        let got = results
            .get(index)
            .map_or("missing".to_string(), |r| format!("{r:?}"));
        report.push_str(&format!("job {index} ({label}): {got}\n"));
    }
    insta::with_settings!({
        description => "run_jobs(six jobs). Every job runs at the same time as the others, so \
            run_jobs returns when the slowest (1517ms) is done. Each result is in the job's own \
            place: Ok(output), or Err(Panicked(the panic's message)) for a job that panicked. \
            A panic message like \"task 12 panicked with message ...\" is JoinError's Display, \
            not the message: get the payload with into_panic().",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("results", report);
    });
    assert_no_leaked_tasks("run_jobs returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_reported_with_its_message() {
    for_each_seed(24, |mut rng| async move {
        let n = rng.range(1, 4) as usize;
        let times = rng.distinct_odd_ms(n, 10, 900);
        let panics: Vec<Panic> = (0..n).map(|_| some_panic(&mut rng)).collect();
        let jobs = times
            .iter()
            .zip(&panics)
            .map(|(t, how)| panics_after(*t, how.clone()))
            .collect();
        let results = run("run_jobs(jobs that panic)", jobs).await;
        assert_eq!(
            results.len(),
            n,
            "run_jobs({n} jobs that panic) returned {results:?}: one result per job."
        );
        for ((result, how), index) in results.iter().zip(&panics).zip(0..) {
            let ok = match (result, how.expected()) {
                (Err(JobFailure::Panicked(got)), Some(expected)) => *got == expected,
                (Err(JobFailure::Panicked(_)), None) => true,
                _ => false,
            };
            assert!(
                ok,
                "job {index} panicked with {}, and run_jobs reported {result:?}.\n\
                 Each failure must carry exactly the panic's message. JoinError::into_panic() \
                 gives the payload, a Box<dyn Any + Send>: panic!(\"literal\") puts a \
                 &'static str in it, panic!(\"{{x}}\") a String, so try \
                 downcast_ref::<&str>() and downcast_ref::<String>(); any other payload is \
                 still a panic (any message will do). error.to_string() is not the message: \
                 it adds the task's id and quotes the message.",
                match how {
                    Panic::Literal(text) =>
                        format!("the literal message {text:?} (a &'static str)"),
                    Panic::Formatted(text) => format!("the formatted message {text:?} (a String)"),
                    Panic::NotText => "panic_any(42u32) (neither a &str nor a String)".into(),
                }
            );
        }
        assert_no_leaked_tasks("run_jobs returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_does_not_take_down_the_others() {
    for_each_seed(24, |mut rng| async move {
        let n = rng.range(3, 7) as usize;
        let times = rng.distinct_odd_ms(n, 20, 2000);
        // At least one job panics, and at least one does not.
        let panicking = rng.range(1, n as u64 - 1) as usize;
        let mut kinds: Vec<bool> = (0..n).map(|i| i < panicking).collect();
        rng.shuffle(&mut kinds);

        let mut jobs = Vec::new();
        let mut expected = Vec::new();
        let mut plan = Vec::new();
        for (index, (time, panics)) in times.iter().zip(&kinds).enumerate() {
            if *panics {
                let message = format!("job {index} failed");
                jobs.push(panics_after(*time, Panic::Formatted(message.clone())));
                expected.push(Err(JobFailure::Panicked(message)));
                plan.push(format!("{} then panics", fmt_duration(ms(*time))));
            } else {
                let value = rng.range(0, 999);
                jobs.push(ok_after(*time, value));
                expected.push(Ok(value));
                plan.push(format!("{} returns {value}", fmt_duration(ms(*time))));
            }
        }
        let what = format!("run_jobs(jobs: {})", plan.join("; "));

        let watch = Stopwatch::start();
        let results = run(&what, jobs).await;
        assert_eq!(
            results, expected,
            "{what} returned {results:?}: the panic of one job must not cost the others \
             their results."
        );
        let slowest = *times.iter().max().unwrap();
        watch.assert_elapsed(
            ms(slowest),
            &what,
            "run_jobs returns when every job is done, the ones after a panic too: the \
             slowest job decides. More means the jobs waited for each other (spawn them all \
             before awaiting any); less means run_jobs returned before every job was done.",
        );
        assert_no_leaked_tasks("run_jobs returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn run_jobs_waits_without_polling() {
    for_each_seed(8, |mut rng| async move {
        let n = rng.range(2, 5) as usize;
        let times = rng.distinct_odd_ms(n, 1000, 5000);
        let what = format!("run_jobs(jobs of {})", durations(&times));
        let jobs = times.iter().map(|t| ok_after(*t, *t)).collect();
        let wakeups = Wakeups::start();
        let watch = Stopwatch::start();
        run(&what, jobs).await;
        // Each job's timer (and the test's own hang guard) may wake the
        // runtime a few times on its way; nothing else should.
        wakeups.assert_at_most(
            ONE_TIMER * (n as u64 + 1),
            watch.elapsed(),
            &format!("{what} waited for its jobs"),
        );
        assert_no_leaked_tasks("run_jobs returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_run_jobs_aborts_every_job() {
    for_each_seed(24, |mut rng| async move {
        let n = rng.range(1, 7) as usize;
        let times = rng.distinct_odd_ms(n, 20, 3000);
        // Give up at once, or part-way: some jobs done, others not. A
        // multiple of 5ms never ties with a job's end (those never are).
        let give_up = if rng.chance(1, 4) {
            0
        } else {
            5 * rng.range(2, 600)
        };
        let finished = Arc::new(AtomicUsize::new(0));
        let mut flags = Vec::new();
        let mut jobs: Vec<Job> = Vec::new();
        for time in &times {
            let (flag, probe) = DropFlag::new();
            flags.push(flag);
            let (finished, time) = (finished.clone(), *time);
            jobs.push(Box::pin(async move {
                let _probe = probe;
                sleep(ms(time)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                time
            }));
        }
        let what = format!(
            "dropping run_jobs(jobs of {}) after {}",
            durations(&times),
            fmt_duration(ms(give_up))
        );
        let output = cancel_after(ms(give_up), run_jobs(jobs)).await;
        let done_before = finished.load(Ordering::SeqCst);
        if give_up < *times.iter().max().unwrap() {
            assert!(
                output.is_none(),
                "{what}: run_jobs returned before its slowest job was done."
            );
        }
        // Nothing may still run: no task alive, no timer left to fire.
        assert_nothing_left_running(&what, ms(60_000)).await;
        for (flag, time) in flags.iter().zip(&times) {
            flag.assert_dropped(&format!(
                "{what}: the job of {} (dropping run_jobs must abort the jobs still running)",
                fmt_duration(ms(*time))
            ));
        }
        let finished = finished.load(Ordering::SeqCst);
        assert_eq!(
            finished, done_before,
            "{what}: {finished} jobs ran to the end, but only {done_before} were done when \
             the caller gave up: the others went on after run_jobs was dropped, and must have \
             been aborted."
        );
    })
    .await;
}

/// A task is *cancelled* when it is stopped before it finishes: aborted, or
/// dropped because its runtime shut down. Here the jobs are spawned onto a
/// second runtime that nobody drives, so they never start; then that
/// runtime shuts down, and every handle reports `JoinError::Cancelled`.
#[test]
fn jobs_whose_runtime_shuts_down_are_cancelled() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building the test's runtime");
    let handle = runtime.handle().clone();
    // `tokio::spawn` inside run_jobs spawns onto the runtime entered here.
    let _entered = handle.enter();

    let mut run = tokio_test::task::spawn(quiet_panics(run_jobs(vec![
        ok_after(101, 1),
        ok_after(203, 2),
    ])));
    assert_pending!(
        run.poll(),
        "run_jobs returned although its jobs never ran (nothing drives the runtime they \
         were spawned onto): it must wait for every job's handle."
    );

    // Drops every task still in the runtime: their handles now report
    // that they were cancelled, and wake run_jobs.
    runtime.shutdown_background();

    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run.poll()));
    let results = match polled {
        Ok(poll) => assert_ready!(
            poll,
            "the runtime running the jobs shut down, so every handle is done (cancelled), \
             yet run_jobs is still waiting."
        ),
        Err(payload) => {
            let message = panic_message(&*payload);
            if message.starts_with("not yet implemented") {
                std::panic::resume_unwind(payload);
            }
            panic!(
                "run_jobs panicked with: {message}\nThe jobs' runtime shut down before they \
                 ran, so awaiting their handles gives a JoinError that is *not* a panic: \
                 `error.is_cancelled()` is true, and `into_panic()` or `unwrap()` on it \
                 panics. Map it to JobFailure::Cancelled."
            )
        }
    };
    assert_eq!(
        results,
        vec![Err(JobFailure::Cancelled), Err(JobFailure::Cancelled)],
        "two jobs whose runtime shut down before they ran gave {results:?}: a JoinError \
         whose is_cancelled() is true is a JobFailure::Cancelled."
    );
}
