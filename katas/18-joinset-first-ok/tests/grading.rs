//! Grading tests for kata 18: take the first success with a `JoinSet`.
//!
//! Every test runs on a paused clock, so a job that "takes 300ms" takes
//! exactly 300ms of virtual time, and the instant `first_ok` returns shows
//! whether it waited for the right job. Jobs carry drop flags, so a test can
//! tell whether the jobs that lost were really cancelled.

use std::time::Duration;

use futures::future::BoxFuture;
use kata_18_joinset_first_ok::first_ok;
use kata_support::{
    assert_no_leaked_tasks, fmt_duration, ms, no_hang, track_drop, DropFlag, Stopwatch, HANG_LIMIT,
};

type Job = BoxFuture<'static, Result<u32, String>>;

/// A job that takes `takes` ms and then returns `outcome`.
fn job(takes: u64, outcome: Result<u32, &str>) -> Job {
    let outcome = outcome.map_err(str::to_string);
    Box::pin(async move {
        tokio::time::sleep(ms(takes)).await;
        outcome
    })
}

/// The same job, with a flag that is set once the job has been dropped.
fn tracked(takes: u64, outcome: Result<u32, &str>) -> (DropFlag, Job) {
    let (flag, job) = track_drop(job(takes, outcome));
    (flag, Box::pin(job))
}

/// Runs `first_ok` under a hang guard and returns its answer and when.
async fn run(what: &str, jobs: Vec<Job>) -> (Option<u32>, Duration) {
    let watch = Stopwatch::start();
    let answer = no_hang(what, first_ok(jobs)).await;
    (answer, watch.elapsed())
}

#[track_caller]
fn assert_answer(
    what: &str,
    got: (Option<u32>, Duration),
    expected: Option<u32>,
    at: u64,
    why: &str,
) {
    let (answer, elapsed) = got;
    assert!(
        answer == expected && elapsed == ms(at),
        "{what} returned {answer:?} after {} of virtual time, expected {expected:?} after \
         exactly {}.\n{why}",
        fmt_duration(elapsed),
        fmt_duration(ms(at))
    );
}

#[tokio::test(start_paused = true)]
async fn returns_at_the_first_success() {
    let what = "first_ok([Ok(1) after 300ms, Ok(2) after 100ms, Err after 50ms, Ok(3) after 1s])";
    let jobs = vec![
        job(300, Ok(1)),
        job(100, Ok(2)),
        job(50, Err("mirror down")),
        job(1000, Ok(3)),
    ];
    let got = run(what, jobs).await;
    assert_answer(
        what,
        got,
        Some(2),
        100,
        "All jobs run at the same time, so the first success is job 1's, at 100ms. \
         Returning at 1s means first_ok waited for every job before answering; return as \
         soon as `join_next()` hands you an Ok. Some(1) at 300ms means the jobs were \
         awaited in the order given, not in the order they finish.",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}

#[tokio::test(start_paused = true)]
async fn failures_are_skipped_until_a_success() {
    let what = "first_ok([Err after 10ms, Err after 20ms, Ok(7) after 300ms])";
    let jobs = vec![
        job(10, Err("timeout")),
        job(20, Err("refused")),
        job(300, Ok(7)),
    ];
    let got = run(what, jobs).await;
    assert_answer(
        what,
        got,
        Some(7),
        300,
        "The first two jobs to finish fail; a failure is not the answer, just one job less \
         to wait for. Keep taking results with `join_next()` until one is `Ok(Ok(value))`. \
         (None at 10ms: the first result to arrive was returned, error or not.)",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}

#[tokio::test(start_paused = true)]
async fn all_failures_give_none_when_the_last_one_fails() {
    let what = "first_ok([Err after 100ms, Err after 200ms, Err after 50ms])";
    let jobs = vec![job(100, Err("a")), job(200, Err("b")), job(50, Err("c"))];
    let got = run(what, jobs).await;
    assert_answer(
        what,
        got,
        None,
        200,
        "Every job fails, so there is no answer: None, returned once the last job has \
         failed (at 200ms) and not before, since until then a success was still possible. \
         `join_next()` returns None when the set is empty.",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}

#[tokio::test(start_paused = true)]
async fn no_jobs_give_none_at_once() {
    let got = run("first_ok(no jobs)", Vec::new()).await;
    assert_answer(
        "first_ok(no jobs)",
        got,
        None,
        0,
        "With no jobs there is nothing to wait for: None, at once.",
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_counts_as_a_failure() {
    let what = "first_ok([a job that panics after 10ms, Ok(5) after 20ms])";
    // (Rust's panic hook prints this panic's message in the test output:
    // that is expected, the panic happens inside a task.)
    let exploding: Job = Box::pin(async {
        tokio::time::sleep(ms(10)).await;
        panic!(
            "this job panics on purpose, to test first_ok: a panicking job must count as a \
             failed job (skip its JoinError), not crash the caller"
        );
    });
    let jobs = vec![exploding, job(20, Ok(5))];
    let got = run(what, jobs).await;
    assert_answer(
        what,
        got,
        Some(5),
        20,
        "A job that panics is a failed job: `join_next()` returns it as \
         `Some(Err(JoinError))`, with the panic caught at the task's boundary. Skip it like \
         a job's own `Err`. (If this test itself panicked, the JoinError was unwrapped, \
         which re-raises the job's panic in the caller.)",
    );
    assert_no_leaked_tasks("first_ok returned").await;
}

#[tokio::test(start_paused = true)]
async fn the_other_jobs_are_aborted_once_one_succeeds() {
    let what =
        "first_ok([Ok(1) after 100ms, Ok(2) after 1s, Err after 2s, a job that never finishes])";
    let (fast, fast_job) = tracked(100, Ok(1));
    let (slow, slow_job) = tracked(1000, Ok(2));
    let (failing, failing_job) = tracked(2000, Err("late"));
    let (stuck, stuck_job) = {
        let (flag, never) = track_drop(std::future::pending::<Result<u32, String>>());
        (flag, Box::pin(never) as Job)
    };
    let watch = Stopwatch::start();
    let call = first_ok(vec![fast_job, slow_job, failing_job, stuck_job]);
    let Ok(answer) = tokio::time::timeout(HANG_LIMIT, call).await else {
        panic!(
            "{what} was still running after {} of virtual time, although a job succeeded \
             at 100ms. One of these jobs never finishes: first_ok must return at the first \
             success, not wait for every job.",
            fmt_duration(HANG_LIMIT)
        );
    };
    let got = (answer, watch.elapsed());
    assert_answer(
        what,
        got,
        Some(1),
        100,
        "The first job succeeds at 100ms, and that is the answer.",
    );

    // Aborted tasks are dropped the next time the runtime looks at them:
    // this check yields a few times (no virtual time passes), then counts
    // the tasks still alive.
    assert_no_leaked_tasks("first_ok returned its answer").await;
    fast.assert_dropped("the job that succeeded");
    slow.assert_dropped("the job that would have succeeded after 1s");
    failing.assert_dropped("the job that would have failed after 2s");
    stuck.assert_dropped("the job that never finishes");
}
