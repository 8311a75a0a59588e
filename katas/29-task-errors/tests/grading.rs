//! Grading tests for kata 29: errors and panics in tasks.
//!
//! Every test runs on a paused clock, so a job that takes 317ms takes
//! exactly 317ms of virtual time, and "try_all returned at the first
//! failure" is a question about exact elapsed time.
//!
//! The jobs that panic do it with `std::panic::resume_unwind`: a real panic,
//! which a task reports as a `JoinError` like any other, but one that does
//! not print a "thread panicked" message, so the only messages you see are
//! about your code.
//!
//! | mistake | the test that catches it |
//! |---|---|
//! | each job awaited right after it is spawned (one after the other) | `all_jobs_succeeding_return_every_value_in_input_order` |
//! | values in the order the jobs finished, not the order of the list | `all_jobs_succeeding_return_every_value_in_input_order`, `values_come_back_in_input_order_whatever_the_finishing_order` |
//! | the jobs run in place (`join_all`, `FuturesUnordered`) instead of each in its own task | `values_come_back_in_input_order_whatever_the_finishing_order` |
//! | `select_all` on an empty list (it panics) | `no_jobs_is_ok_and_empty` |
//! | waits for every job before looking at the results | `returns_at_the_first_failures_virtual_time` |
//! | handles awaited in list order: a late failure of an early job wins | `the_earliest_failure_wins_not_the_first_in_the_list` |
//! | the rest detached (handles dropped) instead of aborted | `the_other_jobs_are_cancelled_when_one_fails`, `the_first_failure_in_time_wins_and_the_rest_are_dropped` |
//! | a `JoinError` unwrapped: the job's panic escapes `try_all` | `a_panicking_job_becomes_a_job_error_and_cancels_the_rest` |
//! | the panic message looked for only as a `String`, or only as a `&str` | `error_messages_name_the_job_and_the_cause`, `the_first_failure_in_time_wins_and_the_rest_are_dropped` |
//! | a payload that is not a string shown with `{:?}` (`Any { .. }`) | `error_messages_name_the_job_and_the_cause` |
//! | the wrong job named for a panic (the id lost, guessed from `is_finished`) | `the_first_failure_in_time_wins_and_the_rest_are_dropped` |
//! | a polling loop (`is_finished` + `sleep`) instead of awaiting completion | `the_first_failure_in_time_wins_and_the_rest_are_dropped` (odd times), `waiting_for_jobs_costs_no_wakeups` |
//! | a spinning loop (`is_finished` + `yield_now`): never waits, time cannot move | `all_jobs_succeeding_return_every_value_in_input_order` and every test (`no_spin`) |
//! | the error's `source()` chain appended to the `Failed` message | `a_failed_jobs_message_is_its_errors_own_display` |
//! | a "hang guard" timeout of its own (an hour): slow jobs reported as failures | `jobs_that_take_hours_are_waited_for` |
//! | the jobs keep running when the caller drops `try_all` (a `Vec` of `JoinHandle`s) | `dropping_try_all_cancels_every_job` |

use std::any::Any;
use std::error::Error;
use std::io;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use kata_29_task_errors::{BoxError, Job, JobError, try_all};
use std::sync::{Arc, Mutex};

use kata_support::no_blocking;
use kata_support::{
    DropFlag, DropProbe, Jitter, Rng, Stopwatch, Wakeups, assert_no_leaked_tasks,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, no_hang, no_spin,
};
use tokio::sync::oneshot;
use tokio::time::{Instant, sleep};

/// A job that succeeds with `value` after `millis`.
fn ok_after<T: Send + 'static>(name: &'static str, millis: u64, value: T) -> Job<T> {
    Job::new(name, async move {
        sleep(ms(millis)).await;
        Ok(value)
    })
}

/// A job that returns an I/O error of `kind` after `millis`.
fn err_after<T: Send + 'static>(
    name: &'static str,
    millis: u64,
    kind: io::ErrorKind,
    text: &'static str,
) -> Job<T> {
    Job::new(name, async move {
        sleep(ms(millis)).await;
        Err(BoxError::from(io::Error::new(kind, text)))
    })
}

/// A job that panics with `payload` after `millis`.
fn panic_after<T: Send + 'static>(
    name: &'static str,
    millis: u64,
    payload: impl Any + Send + 'static,
) -> Job<T> {
    Job::new(name, async move {
        sleep(ms(millis)).await;
        std::panic::resume_unwind(Box::new(payload))
    })
}

/// A job that succeeds after `millis` and carries a probe: its flag is set
/// when the job's future is dropped (finished, or cancelled).
fn watched<T: Send + 'static>(name: &'static str, millis: u64, value: T) -> (DropFlag, Job<T>) {
    let (flag, probe) = DropFlag::new();
    let job = Job::new(name, async move {
        let _probe: DropProbe = probe;
        sleep(ms(millis)).await;
        Ok(value)
    });
    (flag, job)
}

/// Runs `try_all` under the hang guard. If `try_all` itself panics, the
/// test fails with an explanation instead of the bare panic.
async fn run<T: Send + 'static>(what: &str, jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let guarded = no_blocking(
        what,
        no_spin(what, AssertUnwindSafe(try_all(jobs)).catch_unwind()),
    );
    match no_hang(what, guarded).await {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a payload that is not a string".to_string());
            if message.starts_with("not yet implemented") {
                std::panic::resume_unwind(payload);
            }
            panic!(
                "{what}: try_all itself panicked: {message}\n\
                 A job's panic must not escape try_all: the task that ran it catches it, \
                 and awaiting the task (a JoinHandle, or JoinSet::join_next) gives \
                 Err(JoinError). Unwrapping that JoinError re-raises the panic in your \
                 code; turn it into JoinError::is_panic / into_panic and a \
                 JobError::Panicked instead."
            )
        }
    }
}

/// Describes a result for a message: `Ok([..])` or the error's Display and
/// variant.
fn describe<T: std::fmt::Debug>(result: &Result<Vec<T>, JobError>) -> String {
    match result {
        Ok(values) => format!("Ok({values:?})"),
        Err(e) => format!("Err({e:?})"),
    }
}

#[tokio::test(start_paused = true)]
async fn all_jobs_succeeding_return_every_value_in_input_order() {
    let watch = Stopwatch::start();
    let result = run(
        "try_all(a: 1 after 300ms, b: 2 after 100ms, c: 3 after 200ms)",
        vec![
            ok_after("a", 300, 1),
            ok_after("b", 100, 2),
            ok_after("c", 200, 3),
        ],
    )
    .await;
    assert!(
        matches!(&result, Ok(values) if values == &[1, 2, 3]),
        "try_all(a: 1 after 300ms, b: 2 after 100ms, c: 3 after 200ms) returned {}, \
         expected Ok([1, 2, 3]): every value, in the order of the jobs (not the order \
         they finished in).",
        describe(&result)
    );
    watch.assert_elapsed(
        ms(300),
        "try_all on jobs of 300, 100 and 200ms",
        "The jobs run at the same time, so the slowest (300ms) decides. 600ms means they \
         ran one after the other: spawn all of them first, then wait.",
    );
    assert_no_leaked_tasks("try_all returned").await;
}

#[tokio::test(start_paused = true)]
async fn no_jobs_is_ok_and_empty() {
    let watch = Stopwatch::start();
    let result = run("try_all(no jobs)", Vec::<Job<u32>>::new()).await;
    assert!(
        matches!(&result, Ok(values) if values.is_empty()),
        "try_all(no jobs) returned {}, expected Ok([]).",
        describe(&result)
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "try_all(no jobs)",
        "With nothing to run there is nothing to wait for.",
    );
}

#[tokio::test(start_paused = true)]
async fn returns_at_the_first_failures_virtual_time() {
    let watch = Stopwatch::start();
    let result = run(
        "try_all(slow: ok after 5s, bad: error after 300ms, quick: ok after 100ms)",
        vec![
            ok_after("slow", 5000, 1),
            err_after(
                "bad",
                300,
                io::ErrorKind::ConnectionRefused,
                "connection refused",
            ),
            ok_after("quick", 100, 3),
        ],
    )
    .await;
    let returned_at = watch.elapsed();
    let Err(JobError::Failed { job, error }) = &result else {
        panic!(
            "try_all(slow: ok after 5s, bad: error after 300ms, quick: ok after 100ms) \
             returned {}, expected Err(JobError::Failed {{ job: \"bad\", .. }}): job \
             \"bad\" returned an error.",
            describe(&result)
        );
    };
    assert_eq!(
        *job, "bad",
        "try_all returned a failure for job {job:?}, but the job that failed is \"bad\"."
    );
    let kind = error.downcast_ref::<io::Error>().map(io::Error::kind);
    assert_eq!(
        kind,
        Some(io::ErrorKind::ConnectionRefused),
        "JobError::Failed must carry the job's own error (an io::Error of kind \
         ConnectionRefused here), got {error:?}."
    );
    assert!(
        result
            .as_ref()
            .err()
            .and_then(|e| e.source())
            .is_some_and(|source| source.to_string() == "connection refused"),
        "the JobError's source() must be the job's own error."
    );
    assert_eq!(
        returned_at,
        ms(300),
        "try_all returned after {} of virtual time, expected exactly 300ms: the moment \
         job \"bad\" failed. Once one job has failed the batch has failed, so waiting \
         for the others (here the 5s job) only delays the answer. Take the results as \
         they come (JoinSet::join_next) and return at the first failure.",
        fmt_duration(returned_at)
    );
    assert_no_leaked_tasks("try_all returned its error").await;
}

#[tokio::test(start_paused = true)]
async fn the_earliest_failure_wins_not_the_first_in_the_list() {
    let watch = Stopwatch::start();
    let result = run(
        "try_all(first: error after 500ms, second: error after 200ms)",
        vec![
            err_after::<u32>("first", 500, io::ErrorKind::TimedOut, "timed out"),
            err_after::<u32>("second", 200, io::ErrorKind::NotFound, "no such user"),
        ],
    )
    .await;
    let returned_at = watch.elapsed();
    assert!(
        matches!(&result, Err(JobError::Failed { job: "second", .. })),
        "try_all(first: error after 500ms, second: error after 200ms) returned {}, \
         expected the failure of job \"second\", which failed first (at 200ms). Awaiting \
         the jobs in list order finds \"first\"'s error first although it happened \
         later: take the results in the order they finish (JoinSet::join_next).",
        describe(&result)
    );
    assert_eq!(
        returned_at,
        ms(200),
        "try_all returned after {} of virtual time, expected exactly 200ms, when job \
         \"second\" failed.",
        fmt_duration(returned_at)
    );
    assert_no_leaked_tasks("try_all returned its error").await;
}

#[tokio::test(start_paused = true)]
async fn the_other_jobs_are_cancelled_when_one_fails() {
    let (slow_flag, slow) = watched("slow", 5000, 1);
    let (slower_flag, slower) = watched("slower", 60_000, 2);
    let (done_flag, done) = watched("done", 50, 3);
    let result = run(
        "try_all(slow: 5s, slower: 60s, done: 50ms, bad: error after 100ms)",
        vec![
            slow,
            slower,
            done,
            err_after("bad", 100, io::ErrorKind::Other, "boom"),
        ],
    )
    .await;
    assert!(
        matches!(&result, Err(JobError::Failed { job: "bad", .. })),
        "try_all(slow: 5s, slower: 60s, done: 50ms, bad: error after 100ms) returned \
         {}, expected the failure of job \"bad\".",
        describe(&result)
    );
    // A few turns of the scheduler for the aborted tasks to be dropped.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    done_flag.assert_dropped("job \"done\", which had finished,");
    slow_flag.assert_dropped(
        "job \"slow\" (5s), still running when job \"bad\" failed at 100ms and try_all \
         returned,",
    );
    slower_flag.assert_dropped(
        "job \"slower\" (60s), still running when job \"bad\" failed at 100ms and \
         try_all returned,",
    );
    assert_no_leaked_tasks("try_all returned its error").await;
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_becomes_a_job_error_and_cancels_the_rest() {
    let (slow_flag, slow) = watched("slow", 1000, 1);
    let watch = Stopwatch::start();
    let result = run(
        "try_all(slow: ok after 1s, parse: panics after 200ms)",
        vec![slow, panic_after("parse", 200, "unexpected end of input")],
    )
    .await;
    let returned_at = watch.elapsed();
    let Err(JobError::Panicked { job, message }) = &result else {
        panic!(
            "try_all(slow: ok after 1s, parse: panics after 200ms) returned {}, expected \
             Err(JobError::Panicked {{ job: \"parse\", .. }}): a panic in a job is a \
             failure of the batch too. Awaiting its task gives Err(JoinError) with \
             is_panic() true.",
            describe(&result)
        );
    };
    assert_eq!(
        (*job, message.as_deref()),
        ("parse", Some("unexpected end of input")),
        "the panic of job \"parse\" (message \"unexpected end of input\") came back as \
         Panicked {{ job: {job:?}, message: {message:?} }}. JoinError::into_panic gives \
         the payload: downcast it to &'static str or String to get the message."
    );
    assert_eq!(
        returned_at,
        ms(200),
        "try_all returned after {} of virtual time, expected exactly 200ms, when job \
         \"parse\" panicked.",
        fmt_duration(returned_at)
    );
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    slow_flag.assert_dropped("job \"slow\" (1s), still running when job \"parse\" panicked,");
    assert_no_leaked_tasks("try_all returned its error").await;
}

/// An error with a cause of its own, as errors of real libraries have.
#[derive(Debug)]
struct Wrapped {
    text: &'static str,
    cause: io::Error,
}

impl std::fmt::Display for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text)
    }
}

impl Error for Wrapped {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

#[tokio::test(start_paused = true)]
async fn a_failed_jobs_message_is_its_errors_own_display() {
    let jobs: Vec<Job<u32>> = vec![Job::new("fetch", async {
        sleep(ms(7)).await;
        Err(BoxError::from(Wrapped {
            text: "request to the price service failed",
            cause: io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused"),
        }))
    })];
    let result = run("try_all(fetch fails with an error that has a cause)", jobs).await;
    let Err(error) = result else {
        panic!(
            "try_all with a failing job returned {}, expected Err(Failed)",
            describe(&result)
        );
    };
    let shown = error.to_string();
    assert_eq!(
        shown, "job \"fetch\" failed: request to the price service failed",
        "the Display of JobError::Failed for an error whose own Display is \"request to the \
         price service failed\" (and whose source() is \"connection refused\") is {shown:?}. \
         After the colon comes the error's own Display, nothing more: its causes are reached \
         through source(), and a reporter that walks the chain (anyhow, eyre) prints them, so \
         appending them to the message prints every cause twice."
    );
}

#[tokio::test(start_paused = true)]
async fn jobs_that_take_hours_are_waited_for() {
    for_each_seed(4, |mut rng| async move {
        // Hours of virtual time cost nothing: slow jobs are not failures.
        let hour = 3_600_000;
        let times: Vec<u64> = (0..rng.range(2, 4))
            .map(|_| rng.range(1, 5) * hour + rng.odd_ms(1, 999))
            .collect();
        let slowest = *times.iter().max().unwrap();
        let names = ["backup", "reindex", "export", "vacuum"];
        let jobs: Vec<Job<u64>> = times
            .iter()
            .enumerate()
            .map(|(i, t)| ok_after(names[i], *t, *t))
            .collect();
        let watch = Stopwatch::start();
        let result = tokio::time::timeout(
            ms(10 * hour),
            no_spin("try_all of jobs that take hours", try_all(jobs)),
        )
        .await
        .expect("try_all of jobs that take hours never returned (10 hours of virtual time)");
        assert!(
            matches!(&result, Ok(values) if *values == times),
            "try_all of jobs that all succeed, after {times:?} ms (hours), returned {}, \
             expected Ok({times:?}). A job that takes long is not a failure: try_all waits for \
             the last one, however long (no \"hang guard\" timeout of its own).",
            describe(&result)
        );
        watch.assert_elapsed(
            ms(slowest),
            "try_all of jobs that take hours",
            "It returns when the slowest job is done.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn error_messages_name_the_job_and_the_cause() {
    let start = Stopwatch::start();
    let mut report = String::new();
    let cases: Vec<(&str, Vec<Job<u32>>)> = vec![
        (
            "fetch returns an io::Error",
            vec![
                ok_after("warm-up", 10, 0),
                err_after(
                    "fetch",
                    100,
                    io::ErrorKind::ConnectionRefused,
                    "connection refused",
                ),
            ],
        ),
        (
            "parse panics with a &'static str",
            vec![panic_after("parse", 100, "unexpected end of input")],
        ),
        (
            "index panics with a formatted String",
            vec![panic_after(
                "index",
                100,
                format!(
                    "index out of bounds: the len is {} but the index is {}",
                    3, 7
                ),
            )],
        ),
        (
            "weird panics with a payload that is not a string",
            vec![panic_after("weird", 100, 42_u64)],
        ),
    ];
    for (case, jobs) in cases {
        let watch = Stopwatch::start();
        let result = run(case, jobs).await;
        let line = match &result {
            Ok(values) => format!("Ok({values:?})"),
            Err(e) => e.to_string(),
        };
        report.push_str(&format!(
            "{case}:\n  {line}\n  (returned after {}ms)\n",
            watch.elapsed_ms()
        ));
    }
    report.push_str(&format!("all four ran in {}ms\n", start.elapsed_ms()));
    insta::with_settings!({
        description => "The Display of each JobError, as README.md specifies it: \
            `job \"NAME\" failed: ERROR` for an error, `job \"NAME\" panicked: MESSAGE` for \
            a panic with a string message, and `job \"NAME\" panicked` when the payload is \
            not a string. The message of a panic is in the JoinError's payload \
            (into_panic), as a &'static str or a String.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("error_messages", report);
    });
    assert_no_leaked_tasks("the last try_all returned").await;
}

// ---------------------------------------------------------------------------
// Seeded batches: irregular times, shuffled outcomes, jittered schedules.

/// Job names for the seeded batches.
const NAMES: [&str; 10] = [
    "fetch",
    "parse",
    "resize",
    "index",
    "upload",
    "thumbnail",
    "checksum",
    "notify",
    "render",
    "compress",
];

/// How one job of a seeded batch ends.
#[derive(Debug, Clone)]
enum Ending {
    Value(u64),
    Error(io::ErrorKind, &'static str),
    PanicStr(&'static str),
    PanicString(String),
    PanicNumber(u32),
}

impl Ending {
    /// A random failure.
    fn random_failure(rng: &mut Rng) -> Ending {
        match rng.below(4) {
            0 => Ending::Error(
                *rng.pick(&[
                    io::ErrorKind::ConnectionRefused,
                    io::ErrorKind::NotFound,
                    io::ErrorKind::PermissionDenied,
                ]),
                ["refused", "no such page", "not allowed here"][rng.below(3) as usize],
            ),
            1 => {
                let texts: [&'static str; 2] = ["unexpected end of input", "bad header"];
                Ending::PanicStr(texts[rng.below(2) as usize])
            }
            2 => Ending::PanicString(format!("index {} out of range", rng.range(10, 99))),
            _ => Ending::PanicNumber(rng.range(1, 9) as u32),
        }
    }
}

/// One job of a seeded batch: its name, when it ends (virtual ms) and how.
#[derive(Debug, Clone)]
struct Planned {
    name: &'static str,
    at: u64,
    ending: Ending,
}

/// Shared between the test and its jobs.
type Shared<T> = Arc<Mutex<Vec<T>>>;

/// What the jobs of a batch did, as the test sees it.
#[derive(Clone, Default)]
struct Seen {
    /// (job, virtual ms) of every job that reached its end.
    finished: Shared<(&'static str, u64)>,
    /// The task each job ran in.
    tasks: Shared<(&'static str, Option<tokio::task::Id>)>,
}

/// Builds the batch's jobs; each carries a drop probe, records the task it
/// runs in and when it ended, and yields a seeded number of times before it
/// ends (so jobs that end at the same instant end in a seeded order).
fn build(plan: &[Planned], jitter: &Jitter, seen: &Seen) -> (Vec<DropFlag>, Vec<Job<u64>>) {
    let start = Instant::now();
    plan.iter()
        .map(|planned| {
            let (flag, probe) = DropFlag::new();
            let (planned, jitter, seen) = (planned.clone(), jitter.clone(), seen.clone());
            let job = Job::new(planned.name, async move {
                let _probe: DropProbe = probe;
                seen.tasks
                    .lock()
                    .unwrap()
                    .push((planned.name, tokio::task::try_id()));
                if planned.at > 0 {
                    sleep(ms(planned.at)).await;
                }
                jitter.pause().await;
                let at = start.elapsed().as_millis() as u64;
                seen.finished.lock().unwrap().push((planned.name, at));
                match planned.ending {
                    Ending::Value(value) => Ok(value),
                    Ending::Error(kind, text) => Err(BoxError::from(io::Error::new(kind, text))),
                    Ending::PanicStr(text) => std::panic::resume_unwind(Box::new(text)),
                    Ending::PanicString(text) => std::panic::resume_unwind(Box::new(text)),
                    Ending::PanicNumber(n) => std::panic::resume_unwind(Box::new(n)),
                }
            });
            (flag, job)
        })
        .unzip()
}

fn describe_plan(plan: &[Planned]) -> String {
    let jobs: Vec<String> = plan
        .iter()
        .map(|p| {
            let how = match &p.ending {
                Ending::Value(v) => format!("Ok({v})"),
                Ending::Error(kind, text) => format!("Err({kind:?}: {text})"),
                Ending::PanicStr(text) => format!("panics with &str {text:?}"),
                Ending::PanicString(text) => format!("panics with String {text:?}"),
                Ending::PanicNumber(n) => format!("panics with a u32 ({n})"),
            };
            format!("{}: {how} after {}ms", p.name, p.at)
        })
        .collect();
    format!("try_all([{}])", jobs.join(", "))
}

#[tokio::test(start_paused = true)]
async fn values_come_back_in_input_order_whatever_the_finishing_order() {
    for_each_seed(32, |mut rng| async move {
        let n = rng.range(0, 8) as usize;
        let mut names = NAMES.to_vec();
        rng.shuffle(&mut names);
        // Unequal times, some repeated, some zero (ready at the first poll).
        let times: Vec<u64> = (0..n)
            .map(|_| match rng.below(5) {
                0 => 0,
                1 => 211,
                _ => rng.odd_ms(1, 2000),
            })
            .collect();
        let mut values: Vec<u64> = (0..n).map(|_| rng.range(0, 999)).collect();
        if n >= 2 && values.windows(2).all(|w| w[0] <= w[1]) {
            values.swap(0, n - 1);
        }
        let plan: Vec<Planned> = (0..n)
            .map(|i| Planned {
                name: names[i],
                at: times[i],
                ending: Ending::Value(values[i]),
            })
            .collect();
        let what = describe_plan(&plan);
        let seen = Seen::default();
        let (_flags, jobs) = build(&plan, &Jitter::new(rng.next_u64()), &seen);
        let watch = Stopwatch::start();
        let result = run(&what, jobs).await;
        assert!(
            matches!(&result, Ok(got) if *got == values),
            "{what} returned {}, expected Ok({values:?}): every value at the position of its \
             job in the list, whatever order the jobs finished in. Collect the results as they \
             come and put each one back in its job's place (remember which task runs which \
             job: the id of set.spawn(..), join_next_with_id).",
            describe(&result)
        );
        watch.assert_elapsed(
            ms(times.iter().copied().max().unwrap_or(0)),
            &what,
            "Every job runs at the same time, so the batch takes as long as its slowest job. \
             Longer means the jobs ran one after the other, or try_all checked on them on a \
             timer instead of awaiting them.",
        );
        let tasks = seen.tasks.lock().unwrap().clone();
        let mut ids: Vec<tokio::task::Id> = tasks.iter().filter_map(|(_, id)| *id).collect();
        ids.sort_by_key(|id| id.to_string());
        ids.dedup();
        assert!(
            ids.len() == n,
            "{what}: the {n} jobs ran in {} task(s) of their own (task ids: {tasks:?}), \
             expected one task per job. try_all must run each job in its own task \
             (JoinSet::spawn or tokio::spawn): that is what turns a job's panic into a \
             JoinError instead of a panic of try_all, and what lets the jobs run in parallel \
             on a multi-thread runtime.",
            ids.len()
        );
        assert_no_leaked_tasks(&format!("{what} returned")).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_first_failure_in_time_wins_and_the_rest_are_dropped() {
    for_each_seed(48, |mut rng| async move {
        let n = rng.range(1, 8) as usize;
        let mut names = NAMES.to_vec();
        rng.shuffle(&mut names);
        let first = rng.below(n as u64) as usize;
        let fails_at = if rng.chance(1, 6) {
            0
        } else {
            rng.odd_ms(2, 1500)
        };
        let plan: Vec<Planned> = (0..n)
            .map(|i| {
                let (at, ending) = if i == first {
                    (fails_at, Ending::random_failure(&mut rng))
                } else if rng.chance(1, 3) {
                    // Another failure, strictly later.
                    (
                        fails_at + rng.odd_ms(1, 900),
                        Ending::random_failure(&mut rng),
                    )
                } else {
                    // A success, before or after the failure.
                    (rng.odd_ms(1, 3000), Ending::Value(rng.range(0, 999)))
                };
                Planned {
                    name: names[i],
                    at,
                    ending,
                }
            })
            .collect();
        let what = describe_plan(&plan);
        let seen = Seen::default();
        let (flags, jobs) = build(&plan, &Jitter::new(rng.next_u64()), &seen);
        let watch = Stopwatch::start();
        let result = run(&what, jobs).await;
        let returned_at = watch.elapsed();
        let expected = &plan[first];
        let name = expected.name;
        let matches = match (&result, &expected.ending) {
            (Err(JobError::Failed { job, error }), Ending::Error(kind, text)) => {
                *job == name
                    && error
                        .downcast_ref::<io::Error>()
                        .is_some_and(|e| e.kind() == *kind && e.to_string() == *text)
            }
            (Err(JobError::Panicked { job, message }), Ending::PanicStr(text)) => {
                *job == name && message.as_deref() == Some(*text)
            }
            (Err(JobError::Panicked { job, message }), Ending::PanicString(text)) => {
                *job == name && message.as_deref() == Some(text.as_str())
            }
            (Err(JobError::Panicked { job, message }), Ending::PanicNumber(_)) => {
                *job == name && message.is_none()
            }
            _ => false,
        };
        assert!(
            matches,
            "{what} returned {}, expected the failure of job {name:?} ({:?}), the first to \
             fail in time (at {fails_at}ms). The job that failed must be named (which task \
             ran which job: the id of set.spawn(..) and JoinError::id()), with the job's own \
             error, or the panic's message if its payload is a &'static str or a String \
             (None otherwise).",
            describe(&result),
            expected.ending
        );
        assert_eq!(
            returned_at,
            ms(fails_at),
            "{what} returned after {} of virtual time, expected exactly {fails_at}ms, when \
             job {name:?} failed: take the results as they come (JoinSet::join_next) and \
             return at the first failure, without waiting on a timer.",
            fmt_duration(returned_at)
        );
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        for (planned, flag) in plan.iter().zip(&flags) {
            flag.assert_dropped(&format!(
                "{what}: job {:?} (after try_all returned {name:?}'s failure)",
                planned.name
            ));
        }
        // Nothing of the batch may still be running: give it ten minutes.
        sleep(ms(600_000)).await;
        let late: Vec<(&str, u64)> = seen
            .finished
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|(_, at)| *at > fails_at)
            .collect();
        assert!(
            late.is_empty(),
            "{what}: after try_all had returned at {fails_at}ms, these jobs still ran to their \
             end (job, virtual ms): {late:?}. Returning does not stop spawned tasks: abort \
             them (dropping a JoinSet aborts every task still in it).",
        );
        assert_no_leaked_tasks(&format!("{what} returned")).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_try_all_cancels_every_job() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(1, 6) as usize;
        let mut names = NAMES.to_vec();
        rng.shuffle(&mut names);
        let plan: Vec<Planned> = (0..n)
            .map(|i| Planned {
                name: names[i],
                at: rng.odd_ms(100, 5000),
                ending: Ending::Value(i as u64),
            })
            .collect();
        // The caller gives up before the slowest job is done.
        let slowest = plan.iter().map(|p| p.at).max().unwrap_or(0);
        let give_up = rng.odd_ms(1, slowest - 1);
        let what = format!(
            "{} under a caller's {give_up}ms timeout",
            describe_plan(&plan)
        );
        let seen = Seen::default();
        let (flags, jobs) = build(&plan, &Jitter::new(rng.next_u64()), &seen);
        let output = cancel_after(ms(give_up), no_spin(&what, try_all(jobs))).await;
        assert!(
            output.is_none(),
            "{what}: try_all returned {} before the slowest job ({slowest}ms) was done.",
            output.as_ref().map(describe).unwrap_or_default()
        );
        for (planned, flag) in plan.iter().zip(&flags) {
            for _ in 0..8 {
                tokio::task::yield_now().await;
            }
            flag.assert_dropped(&format!(
                "{what}: job {:?} (the caller dropped try_all at {give_up}ms)",
                planned.name
            ));
        }
        assert_nothing_left_running(
            &format!(
                "{what}: the caller dropped try_all at {give_up}ms. When try_all's own future \
                 is dropped, every job of the batch must be cancelled too: keep the tasks in \
                 a JoinSet, which aborts them when it is dropped (a Vec of JoinHandles only \
                 detaches them)"
            ),
            ms(60_000),
        )
        .await;
        let late: Vec<(&str, u64)> = seen
            .finished
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|(_, at)| *at > give_up)
            .collect();
        assert!(
            late.is_empty(),
            "{what}: these jobs still ran to their end after the caller dropped try_all \
             (job, virtual ms): {late:?}."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn waiting_for_jobs_costs_no_wakeups() {
    // Jobs that finish when the test says so: no timer anywhere.
    let order = [2usize, 0, 3, 1];
    let mut finish = Vec::new();
    let mut jobs = Vec::new();
    for (i, name) in ["render", "fetch", "parse", "upload"]
        .into_iter()
        .enumerate()
    {
        let (tx, rx) = oneshot::channel::<()>();
        finish.push(tx);
        jobs.push(Job::new(name, async move {
            let _ = rx.await;
            Ok(100 - i as u64 * 7)
        }));
    }
    let batch = tokio::spawn(no_spin("try_all", try_all(jobs)));
    Wakeups::assert_quiet_for(
        ms(60_000),
        0,
        "try_all waited for four jobs that were all still running",
    )
    .await;
    let mut finish: Vec<Option<oneshot::Sender<()>>> = finish.into_iter().map(Some).collect();
    for i in order {
        let _ = finish[i].take().unwrap().send(());
        tokio::task::yield_now().await;
    }
    let result = no_hang("try_all, once its four jobs had finished,", batch)
        .await
        .expect("try_all panicked");
    assert!(
        matches!(&result, Ok(values) if values == &[100, 93, 86, 79]),
        "try_all(render, fetch, parse, upload), finishing in the order parse, render, \
         upload, fetch, returned {}, expected Ok([100, 93, 86, 79]).",
        describe(&result)
    );
    assert_no_leaked_tasks("try_all returned").await;
}
