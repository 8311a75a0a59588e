//! Grading tests for kata 15: graceful shutdown.
//!
//! Every test runs on a paused clock, so a job of 1 s takes exactly 1 s of
//! virtual time and `run` must return at exactly the instant its schedule
//! implies. A job counts as *accepted* when its `send` returned `Ok`; every
//! accepted job must be in the report exactly once.

use std::future::{pending, ready};
use std::time::Duration;

use kata_15_graceful_shutdown::{run, Job, Report};
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, no_hang, Stopwatch};
use tokio::sync::mpsc;
use tokio::time::{sleep, sleep_until, Instant};

/// Sends `(id, work in ms)` jobs into a fresh channel before `run` starts.
async fn prefilled(
    capacity: usize,
    jobs: &[(u32, u64)],
) -> (mpsc::Sender<Job>, mpsc::Receiver<Job>) {
    let (tx, rx) = mpsc::channel(capacity);
    for &(id, work) in jobs {
        tx.send(Job::new(id, ms(work)))
            .await
            .expect("the test fills the channel before run starts");
    }
    (tx, rx)
}

/// Checks that the report holds exactly the accepted jobs, each once, in
/// ascending order. `why_missing` explains what a missing job usually means
/// in this test's situation.
#[track_caller]
fn assert_reports_exactly(report: &Report, accepted: &[u32], why_missing: &str) {
    let completed = &report.completed;
    for id in accepted {
        let times = completed.iter().filter(|c| *c == id).count();
        assert!(
            times <= 1,
            "job {id} appears {times} times in the report {completed:?}.\n\
             Every job must be reported exactly once: is a job handed to two workers, or \
             its id sent on the completion channel twice?"
        );
    }
    let missing: Vec<u32> = accepted
        .iter()
        .copied()
        .filter(|id| !completed.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "jobs {missing:?} were accepted (their `send` returned Ok) but are not in the \
         report {completed:?}.\n{why_missing}"
    );
    let extra: Vec<u32> = completed
        .iter()
        .copied()
        .filter(|id| !accepted.contains(id))
        .collect();
    assert!(
        extra.is_empty(),
        "the report {completed:?} lists jobs {extra:?}, which were never accepted: their \
         `send` failed, or they were never sent. Report only jobs a worker finished."
    );
    let mut sorted = completed.clone();
    sorted.sort_unstable();
    assert_eq!(
        completed, &sorted,
        "the report must list job ids in ascending order (completion order depends on \
         timing): got {completed:?}, expected {sorted:?}. Sort them before returning."
    );
}

#[tokio::test(start_paused = true)]
async fn senders_dropped_early_end_the_run() {
    let (tx, rx) = prefilled(8, &[(1, 300), (2, 100), (3, 200), (4, 100), (5, 100)]).await;
    // Every producer is gone: the channel holds five jobs and then ends.
    drop(tx);

    let watch = Stopwatch::start();
    let report = no_hang(
        "run, after every job Sender was dropped (its shutdown signal never fires)",
        run(rx, pending(), 2),
    )
    .await;

    assert_reports_exactly(
        &report,
        &[1, 2, 3, 4, 5],
        "When every Sender is dropped, recv() returns the buffered jobs and then None: \
         all five must still be done.",
    );
    watch.assert_elapsed(
        ms(400),
        "run with 2 workers on jobs of 300, 100, 200, 100 and 100 ms",
        "A worker takes the next job as soon as it is free: jobs 1 and 2 start at 0ms, \
         3 at 100ms, 4 and 5 at 300ms, so the last one ends at 400ms. Less means more \
         than `workers` jobs ran at once; more means jobs ran one after another.",
    );
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_run_returns_as_soon_as_shutdown_fires() {
    // The producer stays alive and sends nothing.
    let (tx, rx) = mpsc::channel::<Job>(8);

    let watch = Stopwatch::start();
    let report = no_hang(
        "run with an idle producer and a shutdown signal at 2s",
        run(rx, sleep(Duration::from_secs(2)), 2),
    )
    .await;

    assert_reports_exactly(&report, &[], "");
    watch.assert_elapsed(
        Duration::from_secs(2),
        "run with nothing to do and a shutdown signal at 2s",
        "With no work at all, run must return the moment the signal fires. Is the \
         shutdown future awaited at the same time as the channel (tokio::select!)?",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn jobs_in_flight_at_shutdown_are_finished() {
    // Both workers are busy when the signal fires at 500ms: job 1 until 1s,
    // job 2 until 800ms.
    let (tx, rx) = prefilled(8, &[(1, 1000), (2, 800)]).await;

    let watch = Stopwatch::start();
    let report = no_hang(
        "run, with a shutdown signal at 500ms while two jobs are running",
        run(rx, sleep(ms(500)), 2),
    )
    .await;

    assert_reports_exactly(
        &report,
        &[1, 2],
        "They were running when shutdown fired at 500ms. A graceful shutdown lets \
         running jobs finish: do not abort the workers' tasks, wait for them.",
    );
    watch.assert_elapsed(
        Duration::from_secs(1),
        "run, with shutdown at 500ms and jobs of 1s and 800ms running since 0ms,",
        "The last running job finishes at 1s, so that is when run may return. Returning earlier means \
         run did not wait for its workers: wait on the completion channel until recv() \
         returns None (every worker has dropped its Sender), and only then report.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn buffered_jobs_are_finished_after_shutdown() {
    // One worker: job 1 is running, jobs 2 and 3 wait in the channel's buffer
    // when the signal fires at 500ms.
    let (tx, rx) = prefilled(8, &[(1, 1000), (2, 1000), (3, 1000)]).await;

    let watch = Stopwatch::start();
    let report = no_hang(
        "run, with a shutdown signal at 500ms and two jobs still in the channel",
        run(rx, sleep(ms(500)), 1),
    )
    .await;

    assert_reports_exactly(
        &report,
        &[1, 2, 3],
        "Jobs 2 and 3 were waiting in the channel's buffer when shutdown fired at 500ms. \
         Their send succeeded, so they were accepted and must be done. After \
         `Receiver::close()`, keep calling recv() until it returns None: close() refuses \
         new sends, but the buffered jobs stay there for you to take.",
    );
    watch.assert_elapsed(
        Duration::from_secs(3),
        "run with 1 worker, three 1s jobs and shutdown at 500ms",
        "The three jobs run one after another on the single worker: 0-1s, 1-2s, 2-3s.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn sends_after_shutdown_are_refused() {
    let (tx, rx) = mpsc::channel::<Job>(8);
    let start = Instant::now();
    // Sends job 1 at once and job 2 at 700ms, after the signal at 500ms.
    let producer = tokio::spawn(async move {
        tx.send(Job::new(1, ms(1000)))
            .await
            .expect("job 1 is sent before shutdown: the channel must accept it");
        sleep_until(start + ms(700)).await;
        tx.send(Job::new(2, ms(1000))).await.is_ok()
    });

    let watch = Stopwatch::start();
    let report = no_hang(
        "run, with a shutdown signal at 500ms and a producer that sends again at 700ms",
        run(rx, sleep(ms(500)), 1),
    )
    .await;
    let late_send_accepted = producer.await.expect("the test's producer task panicked");

    assert!(
        !late_send_accepted,
        "job 2 was sent at 700ms, after shutdown fired at 500ms, and its send succeeded.\n\
         After shutdown the channel must refuse new work, so that producers find out \
         their job will not run: call `close()` on the Receiver when the signal fires."
    );
    assert_reports_exactly(
        &report,
        &[1],
        "Job 1 was running when shutdown fired; it must be finished, not abandoned.",
    );
    watch.assert_elapsed(
        Duration::from_secs(1),
        "run, with shutdown at 500ms and one 1s job running since 0ms,",
        "The only accepted job ends at 1s; run must return exactly then.",
    );
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_that_already_fired_still_finishes_the_buffered_jobs() {
    let (tx, rx) = prefilled(8, &[(1, 100), (2, 100), (3, 100)]).await;

    let watch = Stopwatch::start();
    let report = no_hang(
        "run, with a shutdown signal that had already fired and three jobs in the channel",
        run(rx, ready(()), 2),
    )
    .await;

    assert_reports_exactly(
        &report,
        &[1, 2, 3],
        "The three jobs were sent (accepted) before run even started, so they must be done \
         even though the signal had already fired: close the channel, then drain it.",
    );
    watch.assert_elapsed(
        ms(200),
        "run with 2 workers, three 100ms jobs and a signal that had already fired",
        "Jobs 1 and 2 run 0-100ms, job 3 runs 100-200ms.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

/// A producer that sends each `(at ms, id, work ms)` job at its time and
/// records which sends were accepted and which refused.
async fn produce(tx: mpsc::Sender<Job>, schedule: &[(u64, u32, u64)]) -> (Vec<u32>, Vec<u32>) {
    let start = Instant::now();
    let (mut accepted, mut refused) = (Vec::new(), Vec::new());
    for &(at, id, work) in schedule {
        sleep_until(start + ms(at)).await;
        match tx.send(Job::new(id, ms(work))).await {
            Ok(()) => accepted.push(id),
            Err(_) => refused.push(id),
        }
    }
    (accepted, refused)
}

#[tokio::test(start_paused = true)]
async fn every_accepted_job_is_reported_exactly_once() {
    // (sent at ms, id, work ms). Shutdown fires at 1000ms: job 10 is still in
    // the buffer then (all 3 workers busy), 11 and 12 come too late.
    const SCHEDULE: [(u64, u32, u64); 12] = [
        (0, 1, 500),
        (0, 2, 300),
        (0, 3, 800),
        (0, 4, 200),
        (250, 5, 400),
        (600, 6, 100),
        (900, 7, 300),
        (900, 8, 600),
        (950, 9, 200),
        (950, 10, 100),
        (1100, 11, 100),
        (1300, 12, 100),
    ];
    let (tx, rx) = mpsc::channel::<Job>(16);
    let producer = tokio::spawn(async move { produce(tx, &SCHEDULE).await });

    let watch = Stopwatch::start();
    let report = no_hang(
        "run, with 3 workers, twelve jobs sent over 1.3s and a shutdown signal at 1s",
        run(rx, sleep(ms(1000)), 3),
    )
    .await;
    let returned_at = watch.elapsed();
    let (accepted, refused) = producer.await.expect("the test's producer task panicked");

    assert_reports_exactly(
        &report,
        &accepted,
        "Every job whose send succeeded must be finished: the ones running at shutdown \
         and the ones still waiting in the channel's buffer.",
    );
    watch.assert_elapsed(
        ms(1500),
        "run (3 workers, shutdown at 1s)",
        "The last accepted job, job 8, runs from 900ms to 1500ms, so run returns at 1500ms.",
    );
    let outcome = format!(
        "accepted (send returned Ok): {accepted:?}\n\
         refused (send returned Err): {refused:?}\n\
         report.completed: {:?}\n\
         run returned at: {}",
        report.completed,
        fmt_duration(returned_at)
    );
    insta::assert_snapshot!("every_accepted_job_once", outcome);
    assert_no_leaked_tasks("run returned and the producer finished").await;
}
