//! Grading tests for kata 29: errors and panics in tasks.
//!
//! Every test runs on a paused clock, so a job that takes 300ms takes
//! exactly 300ms of virtual time, and "try_all returned at the first
//! failure" is a question about exact elapsed time.
//!
//! The jobs that panic do it with `std::panic::resume_unwind`: a real panic,
//! which a task reports as a `JoinError` like any other, but one that does
//! not print a "thread panicked" message, so the only messages you see are
//! about your code.

use std::any::Any;
use std::error::Error;
use std::io;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use kata_29_task_errors::{try_all, BoxError, Job, JobError};
use kata_support::{
    assert_no_leaked_tasks, fmt_duration, ms, no_hang, DropFlag, DropProbe, Stopwatch,
};
use tokio::time::sleep;

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
    match no_hang(what, AssertUnwindSafe(try_all(jobs)).catch_unwind()).await {
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
