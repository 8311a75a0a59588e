//! Grading tests for kata 04: spawn and join.
//!
//! Every job sleeps on tokio's paused clock, so "did the jobs run at the
//! same time?" is a question about exact virtual time: four jobs of 300,
//! 100, 500 and 200ms take 500ms together, and 1.1s one after the other.
//!
//! Some jobs panic on purpose. Their panics are kept out of the test output
//! (kata_support::quiet_panics), so that a failure message is always about
//! your code, never about a job doing what it was told.

use std::time::Duration;

use kata_04_spawn_and_join::{run_jobs, Job, JobFailure};
use kata_support::{assert_no_leaked_tasks, ms, no_hang, panic_message, quiet_panics, Stopwatch};
use tokio::time::sleep;
use tokio_test::{assert_pending, assert_ready};

/// A job that takes `millis` and returns `value`.
fn ok_after(millis: u64, value: u64) -> Job {
    Box::pin(async move {
        sleep(ms(millis)).await;
        value
    })
}

/// A job that takes 100ms and then panics with a literal message (its
/// payload is a `&'static str`).
fn panics_literally() -> Job {
    Box::pin(quiet_panics(async {
        sleep(ms(100)).await;
        panic!("disk on fire")
    }))
}

/// A job that takes `millis` and then panics with a formatted message (its
/// payload is a `String`).
fn panics_formatted(id: u32, millis: u64) -> Job {
    Box::pin(quiet_panics(async move {
        sleep(ms(millis)).await;
        panic!("job {id} gave up after {millis}ms")
    }))
}

/// `run_jobs(jobs)`, run as a task of its own so that a panic in
/// `run_jobs` itself is reported clearly.
async fn run(what: &str, jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let task = tokio::spawn(quiet_panics(run_jobs(jobs)));
    match no_hang(what, task).await {
        Ok(results) => results,
        Err(error) if error.is_panic() => {
            let message = panic_message(&*error.into_panic());
            if message.starts_with("not yet implemented") {
                panic!("{message}");
            }
            panic!(
                "{what}: run_jobs itself panicked with: {message}\n\
                 A job's panic does not reach your code as a panic: the job's task catches \
                 it, and awaiting the JoinHandle gives Err(JoinError). Unwrapping that (or \
                 calling `into_panic()` on a JoinError that is not a panic) panics again, \
                 in run_jobs, and every other job's result is lost. Turn the JoinError into \
                 a JobFailure instead."
            )
        }
        Err(error) => panic!("{what}: the test's own task was cancelled: {error}"),
    }
}

#[tokio::test(start_paused = true)]
async fn jobs_run_at_the_same_time() {
    let watch = Stopwatch::start();
    let results = run(
        "run_jobs(jobs of 300, 100, 500 and 200ms)",
        vec![
            ok_after(300, 3),
            ok_after(100, 1),
            ok_after(500, 5),
            ok_after(200, 2),
        ],
    )
    .await;
    watch.assert_elapsed(
        ms(500),
        "run_jobs(jobs of 300, 100, 500 and 200ms)",
        "Every job is its own task, and a task starts running as soon as it is spawned, \
         so the jobs overlap and the slowest one (500ms) decides. 1.1s (the sum) means \
         each job only started once the previous one was done: was each handle awaited \
         right after its spawn? Spawn them all first, then await the handles.",
    );
    assert_eq!(
        results,
        vec![Ok(3), Ok(1), Ok(5), Ok(2)],
        "run_jobs(jobs returning 3, 1, 5 and 2) returned {results:?}: one result per \
         job, in the order of the jobs (not the order they finished)."
    );
    assert_no_leaked_tasks("run_jobs returned").await;
}

#[tokio::test(start_paused = true)]
async fn results_come_back_in_job_order() {
    let batch: Vec<(&str, Job)> = vec![
        ("takes 300ms, returns 3", ok_after(300, 3)),
        ("takes 100ms, then panics", panics_literally()),
        ("takes 500ms, returns 5", ok_after(500, 5)),
        ("takes 200ms, then panics", panics_formatted(3, 200)),
        ("ready at once, returns 0", Box::pin(async { 0 })),
    ];
    let (labels, jobs): (Vec<&str>, Vec<Job>) = batch.into_iter().unzip();

    let watch = Stopwatch::start();
    let results = run("run_jobs(five jobs, two of which panic)", jobs).await;

    let mut report = format!("returned at: {}ms\n", watch.elapsed_ms());
    for (index, label) in labels.iter().enumerate() {
        let got = results
            .get(index)
            .map_or("missing".to_string(), |r| format!("{r:?}"));
        report.push_str(&format!("job {index} ({label}): {got}\n"));
    }
    insta::with_settings!({
        description => "run_jobs(five jobs). Every job runs at the same time as the others, so \
            run_jobs returns when the slowest (500ms) is done. Each result is in the job's own \
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
    let results = run(
        "run_jobs(two jobs that panic)",
        vec![panics_literally(), panics_formatted(7, 200)],
    )
    .await;
    let expected = vec![
        Err(JobFailure::Panicked("disk on fire".to_string())),
        Err(JobFailure::Panicked(
            "job 7 gave up after 200ms".to_string(),
        )),
    ];
    assert_eq!(
        results, expected,
        "run_jobs(a job that panics with \"disk on fire\", a job that panics with \
         format!(\"job {{id}} gave up after {{millis}}ms\")) returned {results:?}.\n\
         Each failure must carry exactly the panic's message. JoinError::into_panic() \
         gives the payload, a Box<dyn Any + Send>: panic!(\"literal\") puts a &'static str \
         in it, panic!(\"{{x}}\") a String, so try downcast_ref::<&str>() and \
         downcast_ref::<String>(). (error.to_string() is not the message: it adds the \
         task's id.)"
    );
    assert_no_leaked_tasks("run_jobs returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_does_not_take_down_the_others() {
    let watch = Stopwatch::start();
    let results = run(
        "run_jobs(a job that panics at 100ms among jobs of 50 and 400ms)",
        vec![ok_after(50, 1), panics_literally(), ok_after(400, 4)],
    )
    .await;
    assert_eq!(
        results,
        vec![
            Ok(1),
            Err(JobFailure::Panicked("disk on fire".to_string())),
            Ok(4)
        ],
        "run_jobs(a 50ms job returning 1, a job that panics at 100ms, a 400ms job \
         returning 4) returned {results:?}: the panic of one job must not cost the \
         others their results."
    );
    watch.assert_elapsed(
        ms(400),
        "run_jobs(jobs of 50ms, 100ms (panics) and 400ms)",
        "run_jobs returns when every job is done, the ones after the panic too: here the \
         400ms job decides. More means the jobs waited for each other (spawn them all \
         before awaiting any); less means run_jobs returned before every job was done.",
    );
    assert_no_leaked_tasks("run_jobs returned").await;
}

#[tokio::test(start_paused = true)]
async fn no_jobs_give_no_results_at_once() {
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
        ok_after(100, 1),
        ok_after(200, 2),
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
