//! Grading tests for kata 15: graceful shutdown.
//!
//! Every test runs on a paused clock, so a job of 317ms takes exactly 317ms
//! of virtual time and `run` must return at exactly the instant its schedule
//! implies. A job counts as *accepted* when its `send` returned `Ok`; every
//! accepted job must be in the report exactly once, and no other.
//!
//! Inputs are seeded: job times are odd and unequal, ids are shuffled (the
//! report is sorted, the sending order is not), the shutdown fires at odd
//! instants, and some jobs are sent at the very instant of the shutdown
//! (they may be accepted or refused, but an accepted one must be done). The
//! producers pause on a seeded `Jitter` before each send, so sends that
//! happen at the same instant as the signal reach the channel before or
//! after `run` reacts to it, depending on the seed.
//!
//! The instant `run` must return is worked out from the jobs that were
//! accepted: each one starts as soon as it has been accepted, a worker is
//! free and every job accepted before it has started.
//!
//! | mistake a learner makes                                              | the test that catches it |
//! |----------------------------------------------------------------------|--------------------------|
//! | its own completion `Sender` kept alive: `recv()` never sees `None` (hang) | every test (`senders_dropped_early_end_the_run` first) |
//! | the shutdown signal ignored: only dropped senders end the run         | `an_idle_run_returns_as_soon_as_shutdown_fires`, `sends_after_shutdown_are_refused` |
//! | workers aborted at shutdown: running jobs lost                        | `jobs_in_flight_at_shutdown_are_finished` |
//! | returning before the workers finish (and leaving their tasks)         | `jobs_in_flight_at_shutdown_are_finished` |
//! | the channel closed but its buffer not drained: accepted jobs lost      | `buffered_jobs_are_finished_after_shutdown` |
//! | a job taken off the channel before a worker is free, then dropped with the dispatch loop by `select!` | `buffered_jobs_are_finished_after_shutdown` |
//! | the channel never closed: later sends succeed and are lost            | `sends_after_shutdown_are_refused` |
//! | the buffer drained before `close()`: a send waiting for room gets in after the signal | `sends_after_shutdown_are_refused` |
//! | a signal that already fired taken as "stop now": buffered jobs dropped | `a_shutdown_that_already_fired_still_finishes_the_buffered_jobs` |
//! | no limit on the workers, or jobs started late or out of order         | `senders_dropped_early_end_the_run`, `every_accepted_job_is_reported_exactly_once` |
//! | the jobs drained after the signal spawned without waiting for a worker | `buffered_jobs_are_finished_after_shutdown` |
//! | jobs taken off the channel before a worker is free (a task per job waiting for a permit): the channel never fills, every send succeeds | `jobs_wait_in_the_channel_while_every_worker_is_busy` |
//! | a momentarily empty channel taken for the end of the work (`try_recv` loop) | `every_accepted_job_is_reported_exactly_once` |
//! | the report in completion order, not sorted                            | `senders_dropped_early_end_the_run` |
//! | waiting by polling (`try_recv` + `sleep` or `yield_now`, a `timeout` around `recv`, a flag checked on a ticker) | `an_idle_run_sleeps_until_shutdown` |
//! | jobs still taken (a spawned dispatcher, long-lived workers holding the receiver) after the caller drops `run` | `dropping_run_stops_taking_jobs` |
//! | a shutdown future that must be `Send`, `'static` or `Unpin` (spawned, or polled without pinning) | the test file `any_shutdown_future` does not compile |

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::{pending, ready};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_15_graceful_shutdown::{Job, Report, run};
use kata_support::no_blocking;
use kata_support::no_spin;
use kata_support::{
    Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_no_leaked_tasks,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, no_hang,
};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until};

/// Awaits a call of `run`: a hang (a `Sender` alive somewhere) and code
/// that never waits (a loop that keeps asking) both fail with an
/// explanation instead of hanging.
async fn guarded<F: std::future::Future>(what: &str, call: F) -> F::Output {
    no_hang(what, no_blocking(what, no_spin(what, call))).await
}

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

/// When the accepted jobs end if each one starts as soon as it has been
/// accepted, a worker is free, and every job accepted before it has started
/// (a pool of `workers`, first come first served). `accepted` holds
/// (accepted at ms, work ms) in the order the jobs were accepted.
fn last_end(accepted: &[(u64, u64)], workers: usize) -> u64 {
    job_starts(accepted, workers)
        .iter()
        .zip(accepted)
        .map(|(start, (_, work))| start + work)
        .max()
        .unwrap_or(0)
}

/// When each of the `accepted` jobs starts, in [`last_end`]'s schedule.
fn job_starts(accepted: &[(u64, u64)], workers: usize) -> Vec<u64> {
    let mut ends: BinaryHeap<Reverse<u64>> = BinaryHeap::new();
    let mut previous_start = 0;
    let mut starts = Vec::with_capacity(accepted.len());
    for &(at, work) in accepted {
        let free_at = if ends.len() < workers {
            0
        } else {
            ends.pop().expect("a running job").0
        };
        let start = at.max(free_at).max(previous_start);
        previous_start = start;
        ends.push(Reverse(start + work));
        starts.push(start);
    }
    starts
}

/// A shutdown signal that fires `at` ms from now, drawn on the timeline as
/// `shutdown` from when run first waits on it. (An async fn around the
/// drawn sleep: like the sleep itself, the signal is not `Unpin`, so run
/// is graded on the same kind of future as without the drawing.)
async fn signal_at(timeline: Timeline, at: u64) {
    timeline.span("shutdown", sleep(ms(at))).await
}

/// Starts the timeline a failing test shows: the `jobs` ((id, work ms),
/// all accepted before run starts) as `workers` workers should run them,
/// the shutdown signal pending until `shutdown_at` (if it ever fires), and
/// run returning when the last job ends (or when the signal fires, if
/// there is no job). The test draws its own side with
/// `timeline.span("run", ..)` and a `shutdown` span around the signal
/// ([`signal_at`]): a signal that run never waits on has no bar.
fn shutdown_timeline(
    what: &str,
    jobs: &[(u32, u64)],
    workers: usize,
    shutdown_at: Option<u64>,
) -> Timeline {
    let timeline = Timeline::start(what);
    let accepted: Vec<(u64, u64)> = jobs.iter().map(|(_, work)| (0, *work)).collect();
    let ends = if jobs.is_empty() {
        shutdown_at.unwrap_or(0)
    } else {
        last_end(&accepted, workers)
    };
    timeline.expect("run", ms(0), ms(ends));
    if let Some(at) = shutdown_at {
        timeline.expect("shutdown", ms(0), ms(at));
    }
    for ((id, work), start) in jobs.iter().zip(job_starts(&accepted, workers)) {
        timeline.expect(format!("job {id}"), ms(start), ms(start + work));
    }
    timeline
}

/// Checks that the report holds exactly the accepted jobs, each once, in
/// ascending order. `why_missing` explains what a missing job usually means
/// in this test's situation.
#[track_caller]
fn assert_reports_exactly(what: &str, report: &Report, accepted: &[u32], why_missing: &str) {
    let completed = &report.completed;
    let mut distinct: Vec<u32> = accepted.iter().chain(completed.iter()).copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    for id in distinct {
        let sent = accepted.iter().filter(|a| **a == id).count();
        let times = completed.iter().filter(|c| **c == id).count();
        assert!(
            times <= sent || sent == 0,
            "{what}: job {id} appears {times} times in the report {completed:?}, but only \
             {sent} job(s) with that id were accepted.\n\
             Every job must be reported exactly once: is a job handed to two workers, or \
             its id sent on the completion channel twice?"
        );
        assert!(
            times >= sent || times == 0,
            "{what}: {sent} accepted jobs have the id {id}, but it appears only {times} \
             time(s) in the report {completed:?}.\n\
             Ids need not be unique: two jobs with the same id are two jobs, and each one \
             is reported. Collecting the ids in a set (BTreeSet, HashSet) or calling dedup() \
             merges them; collect into a Vec and sort it."
        );
    }
    let missing: Vec<u32> = accepted
        .iter()
        .copied()
        .filter(|id| !completed.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: jobs {missing:?} were accepted (their `send` returned Ok) but are not in the \
         report {completed:?}.\n{why_missing}"
    );
    let extra: Vec<u32> = completed
        .iter()
        .copied()
        .filter(|id| !accepted.contains(id))
        .collect();
    assert!(
        extra.is_empty(),
        "{what}: the report {completed:?} lists jobs {extra:?}, which were never accepted: \
         their `send` failed, or they were never sent. Report only jobs a worker finished."
    );
    let mut sorted = completed.clone();
    sorted.sort_unstable();
    assert_eq!(
        completed, &sorted,
        "{what}: the report must list job ids in ascending order (completion order depends \
         on timing): got {completed:?}, expected {sorted:?}. Sort them before returning."
    );
}

/// Seeded jobs: `n` distinct shuffled ids with odd, unequal work times.
fn seeded_jobs(rng: &mut Rng, n: usize) -> Vec<(u32, u64)> {
    let mut ids: Vec<u32> = Vec::new();
    while ids.len() < n {
        let id = rng.range(1, 999) as u32;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let works = rng.distinct_odd_ms(n, 11, 997);
    ids.into_iter().zip(works).collect()
}

#[tokio::test(start_paused = true)]
async fn senders_dropped_early_end_the_run() {
    for_each_seed(32, |mut rng| async move {
        let n = rng.range(1, 10) as usize;
        let workers = rng.range(1, 4) as usize;
        let mut jobs = seeded_jobs(&mut rng, n);
        // Ids need not be unique: in half the cases two jobs share one.
        if n > 1 && rng.chance(1, 2) {
            let from = rng.below(n as u64 - 1) as usize;
            jobs[n - 1].0 = jobs[from].0;
        }
        let (tx, rx) = prefilled(n, &jobs).await;
        // Every producer is gone: the channel holds the jobs and then ends.
        drop(tx);
        let what = format!(
            "run({n} jobs (ids {:?}) of [{}] already in the channel, every Sender dropped, a shutdown \
             signal that never fires, {workers} workers)",
            jobs.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            jobs.iter()
                .map(|(_, work)| fmt_duration(ms(*work)))
                .collect::<Vec<_>>()
                .join(", ")
        );

        let timeline = shutdown_timeline(
            &format!("run({n} jobs in the channel, every Sender dropped, {workers} workers)"),
            &jobs,
            workers,
            None,
        );
        let watch = Stopwatch::start();
        let report = guarded(&what, timeline.span("run", run(rx, pending(), workers))).await;

        let ids: Vec<u32> = jobs.iter().map(|(id, _)| *id).collect();
        assert_reports_exactly(
            &what,
            &report,
            &ids,
            "When every Sender is dropped, recv() returns the buffered jobs and then None: all \
             of them must still be done.",
        );
        let accepted: Vec<(u64, u64)> = jobs.iter().map(|(_, work)| (0, *work)).collect();
        watch.assert_elapsed(
            ms(last_end(&accepted, workers)),
            &what,
            "A worker takes the next job the moment it is free, in the order the jobs were \
             sent, so run ends when the last job does. Less means more than `workers` jobs \
             ran at once; more means a worker sat idle while jobs waited (jobs run one after \
             another, or in batches), or run waited for something else first.",
        );
        assert_no_leaked_tasks("run returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_run_returns_as_soon_as_shutdown_fires() {
    for_each_seed(8, |mut rng| async move {
        // The producer stays alive and sends nothing.
        let (tx, rx) = mpsc::channel::<Job>(8);
        let at = rng.odd_ms(11, 3_000);
        let what = format!(
            "run with an idle producer and a shutdown signal at {}",
            fmt_duration(ms(at))
        );

        let timeline = shutdown_timeline(&what, &[], 2, Some(at));
        let shutdown = signal_at(timeline, at);
        let watch = Stopwatch::start();
        let report = guarded(&what, timeline.span("run", run(rx, shutdown, 2))).await;

        assert_reports_exactly(&what, &report, &[], "");
        watch.assert_elapsed(
            ms(at),
            &what,
            "With no work at all, run must return the moment the signal fires. Is the \
             shutdown future awaited at the same time as the channel (tokio::select!)?",
        );
        drop(tx);
        assert_no_leaked_tasks("run returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_run_sleeps_until_shutdown() {
    // The producer stays alive and sends nothing for almost a minute.
    let (tx, rx) = mpsc::channel::<Job>(8);
    let what = "run with an idle producer, 3 workers and a shutdown signal at 57011ms";
    let call = no_spin(what, run(rx, sleep(ms(57_011)), 3));
    let (report, ()) = tokio::join!(no_hang(what, call), async {
        // The signal's own timer may cost the wheel a few wake-ups.
        Wakeups::assert_quiet_for(ms(50_000), ONE_TIMER, &format!("{what} waited")).await;
    });
    assert_reports_exactly(what, &report, &[], "");
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn jobs_in_flight_at_shutdown_are_finished() {
    // Both workers are busy when the signal fires at 317ms: job 41 until
    // 1013ms, job 7 until 809ms.
    let (tx, rx) = prefilled(8, &[(41, 1013), (7, 809)]).await;
    let what = "run(jobs 41 (1013ms) and 7 (809ms), 2 workers, shutdown at 317ms)";

    let timeline = shutdown_timeline(what, &[(41, 1013), (7, 809)], 2, Some(317));
    let shutdown = signal_at(timeline, 317);
    let watch = Stopwatch::start();
    let report = guarded(what, timeline.span("run", run(rx, shutdown, 2))).await;

    assert_reports_exactly(
        what,
        &report,
        &[7, 41],
        "They were running when shutdown fired at 317ms. A graceful shutdown lets running \
         jobs finish: do not abort the workers' tasks, wait for them.",
    );
    watch.assert_elapsed(
        ms(1013),
        what,
        "The last running job finishes at 1013ms, so that is when run may return. Returning \
         earlier means run did not wait for its workers: wait on the completion channel \
         until recv() returns None (every worker has dropped its Sender), and only then \
         report.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn buffered_jobs_are_finished_after_shutdown() {
    // One worker: job 5 is running, jobs 3 and 9 wait in the channel's buffer
    // when the signal fires at 317ms.
    let (tx, rx) = prefilled(8, &[(5, 1013), (3, 601), (9, 211)]).await;
    let what = "run(jobs 5 (1013ms), 3 (601ms) and 9 (211ms), 1 worker, shutdown at 317ms)";

    let timeline = shutdown_timeline(what, &[(5, 1013), (3, 601), (9, 211)], 1, Some(317));
    let shutdown = signal_at(timeline, 317);
    let watch = Stopwatch::start();
    let report = guarded(what, timeline.span("run", run(rx, shutdown, 1))).await;

    assert_reports_exactly(
        what,
        &report,
        &[3, 5, 9],
        "Jobs 3 and 9 were waiting in the channel's buffer when shutdown fired at 317ms. \
         Their send succeeded, so they were accepted and must be done. After \
         `Receiver::close()`, keep calling recv() until it returns None: close() refuses new \
         sends, but the buffered jobs stay there for you to take. (A job taken off the \
         channel *before* a worker is free is lost when select! drops the dispatch loop \
         that holds it: wait for a free worker first, then take the job.)",
    );
    watch.assert_elapsed(
        ms(1825),
        what,
        "The three jobs run one after another on the single worker: 0-1013ms, \
         1013-1614ms, 1614-1825ms.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn sends_after_shutdown_are_refused() {
    // Capacity 1, one worker. At 0ms job 1 is sent (the worker takes it) and
    // job 2 fills the buffer; job 3's send waits for room. The signal fires
    // at 317ms; job 4 is sent at 701ms.
    let (tx, rx) = mpsc::channel::<Job>(1);
    let start = Instant::now();
    let sent = Arc::new(Mutex::new(Vec::<(u32, Option<u64>)>::new()));
    let send = |id: u32, at: u64| {
        let (tx, sent) = (tx.clone(), sent.clone());
        async move {
            sleep_until(start + ms(at)).await;
            let ok = tx.send(Job::new(id, ms(1013))).await.is_ok();
            let when = (Instant::now() - start).as_millis() as u64;
            sent.lock().unwrap().push((id, ok.then_some(when)));
            if !ok {
                sent.lock().unwrap().push((id + 100, Some(when)));
            }
        }
    };
    let producers = tokio::spawn({
        let (one, two, three, four) = (send(1, 0), send(2, 0), send(3, 0), send(4, 701));
        async move {
            one.await;
            two.await;
            tokio::join!(three, four);
        }
    });
    drop(tx);
    let what = "run(1 worker, capacity 1; jobs 1 and 2 sent at 0ms, job 3 waiting for room, \
                shutdown at 317ms, job 4 sent at 701ms)";

    let watch = Stopwatch::start();
    let report = guarded(what, run(rx, sleep(ms(317)), 1)).await;
    let returned_at = watch.elapsed();
    producers.await.expect("the test's producers panicked");

    let sent = sent.lock().unwrap().clone();
    let accepted_at = |id: u32| sent.iter().find(|(i, _)| *i == id).and_then(|(_, at)| *at);
    let refused_at = |id: u32| {
        sent.iter()
            .find(|(i, _)| *i == id + 100)
            .and_then(|(_, at)| *at)
    };
    assert!(
        accepted_at(4).is_none(),
        "{what}: job 4 was sent at 701ms, after shutdown fired at 317ms, and its send \
         succeeded.\nAfter shutdown the channel must refuse new work, so that producers \
         find out their job will not run: call `close()` on the Receiver when the signal \
         fires."
    );
    if let Some(at) = accepted_at(3) {
        assert!(
            at < 317,
            "{what}: job 3's send, waiting for room since 0ms, succeeded at {at}ms, after \
             shutdown fired at 317ms. `close()` at the signal makes a send that is still \
             waiting fail at once; draining the buffer before closing lets it in."
        );
    } else {
        assert_eq!(
            refused_at(3),
            Some(317),
            "{what}: job 3's send, waiting for room since 0ms, should fail the moment \
             shutdown fires (317ms): `close()` wakes it with an error."
        );
    }
    let accepted: Vec<u32> = [1, 2, 3, 4]
        .into_iter()
        .filter(|id| accepted_at(*id).is_some())
        .collect();
    assert_reports_exactly(
        what,
        &report,
        &accepted,
        "Every job whose send succeeded must be finished, including the one waiting in the \
         buffer.",
    );
    let schedule: Vec<(u64, u64)> = accepted
        .iter()
        .map(|id| (accepted_at(*id).unwrap(), 1013))
        .collect();
    assert_eq!(
        returned_at,
        ms(last_end(&schedule, 1)),
        "{what} returned after {}: the accepted jobs {accepted:?} run one after another on \
         the one worker, and run returns when the last one ends.",
        fmt_duration(returned_at)
    );
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_that_already_fired_still_finishes_the_buffered_jobs() {
    let (tx, rx) = prefilled(8, &[(8, 113), (2, 307), (6, 191)]).await;
    let what = "run(jobs 8 (113ms), 2 (307ms), 6 (191ms) in the channel, 2 workers, a shutdown \
                signal that had already fired)";

    let timeline = shutdown_timeline(what, &[(8, 113), (2, 307), (6, 191)], 2, Some(0));
    let shutdown = timeline.span("shutdown", ready(()));
    let watch = Stopwatch::start();
    let report = guarded(what, timeline.span("run", run(rx, shutdown, 2))).await;

    assert_reports_exactly(
        what,
        &report,
        &[2, 6, 8],
        "The three jobs were sent (accepted) before run even started, so they must be done \
         even though the signal had already fired: close the channel, then drain it.",
    );
    watch.assert_elapsed(
        ms(307),
        what,
        "Jobs 8 and 2 start at once; job 6 starts when job 8 ends (113ms) and ends at 304ms; \
         job 2 ends at 307ms.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;

    // A full buffer of 300 jobs, more than tokio's cooperative budget of 128
    // operations a task may do before it must yield.
    let jobs: Vec<(u32, u64)> = (0..300)
        .map(|i| (1000 + i, 7 + 2 * (i as u64 % 5)))
        .collect();
    let (tx, rx) = prefilled(300, &jobs).await;
    let what = "run(a full buffer of 300 short jobs, 500 workers, a signal that had already fired)";
    let timeline = shutdown_timeline(what, &jobs, 500, Some(0));
    let shutdown = timeline.span("shutdown", ready(()));
    let watch = Stopwatch::start();
    let report = guarded(what, timeline.span("run", run(rx, shutdown, 500))).await;
    let ids: Vec<u32> = jobs.iter().map(|(id, _)| *id).collect();
    assert_reports_exactly(
        what,
        &report,
        &ids,
        "Every buffered job was accepted: drain the channel with `recv().await` until it \
         returns None.",
    );
    watch.assert_elapsed(
        ms(15),
        what,
        "All 300 jobs run at once; the longest takes 15ms.",
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_that_already_fired_lets_no_waiting_send_in() {
    // A full buffer and a producer already waiting for room when run starts
    // with a signal that has already fired: the waiting send must fail.
    {
        let buffered = [(31, 211), (17, 113), (23, 307)];
        let (tx, rx) = prefilled(3, &buffered).await;
        let waiting = tokio::spawn({
            let tx = tx.clone();
            async move { tx.send(Job::new(99, ms(101))).await.is_ok() }
        });
        // Let the producer reach the full channel and wait there for room.
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        let what = String::from(
            "run(a full buffer (capacity 3) of jobs 31 (211ms), 17 (113ms), 23 (307ms), a \
             producer waiting for room to send job 99, 2 workers, a shutdown signal that had \
             already fired)",
        );
        let timeline = shutdown_timeline(&what, &buffered, 2, Some(0));
        let shutdown = timeline.span("shutdown", ready(()));
        let watch = Stopwatch::start();
        let report = guarded(&what, timeline.span("run", run(rx, shutdown, 2))).await;
        let accepted = waiting.await.expect("the test's producer panicked");
        assert!(
            !accepted,
            "{what}: the send of job 99, which was waiting for room before run even started, \
             succeeded: run let a job in after the signal. A signal that has already fired \
             is a shutdown: call `close()` before anything else waits (a drain before \
             closing, or a run that waits for the signal only after the channel is empty, \
             lets the waiting send in)."
        );
        assert_reports_exactly(
            &what,
            &report,
            &[17, 23, 31],
            "The buffered jobs were accepted before run started: close the channel, then \
             drain it.",
        );
        watch.assert_elapsed(
            ms(420),
            &what,
            "Jobs 31 and 17 start at once; job 23 starts when job 17 ends (113ms) and ends \
             at 420ms, the last of the three.",
        );
        drop(tx);
        assert_no_leaked_tasks("run returned").await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_job_sent_on_a_slot_reserved_before_shutdown_is_done() {
    for_each_seed(16, |mut rng| async move {
        let workers = rng.range(1, 3) as usize;
        let n = rng.range(1, 4) as usize;
        let mut jobs = seeded_jobs(&mut rng, n + 1);
        let (late_id, late_work) = jobs.pop().expect("n + 1 jobs");
        let shutdown_at = rng.odd_ms(11, 700);
        let send_at = shutdown_at + rng.odd_ms(1, 900);
        let (tx, rx) = prefilled(n + 2, &jobs).await;
        // The producer reserves a slot before the signal and fills it after.
        let permit = tx
            .clone()
            .reserve_owned()
            .await
            .expect("the channel has room");
        let start = Instant::now();
        let producer = tokio::spawn(async move {
            sleep_until(start + ms(send_at)).await;
            permit.send(Job::new(late_id, ms(late_work)));
        });
        let what = format!(
            "run({n} jobs in the channel, {workers} workers, shutdown at {}; a producer that \
             reserved a slot (Sender::reserve) before the signal sends job {late_id} ({}) on \
             it at {})",
            fmt_duration(ms(shutdown_at)),
            fmt_duration(ms(late_work)),
            fmt_duration(ms(send_at)),
        );
        let watch = Stopwatch::start();
        let report = guarded(&what, run(rx, sleep(ms(shutdown_at)), workers)).await;
        let returned_at = watch.elapsed();
        producer.await.expect("the test's producer panicked");

        let mut ids: Vec<u32> = jobs.iter().map(|(id, _)| *id).collect();
        ids.push(late_id);
        assert_reports_exactly(
            &what,
            &report,
            &ids,
            "A slot reserved before the signal is a job already accepted: `close()` does not \
             take reserved slots back, and the job sent on one is delivered into the buffer. \
             That is why the drain must go on until `recv().await` returns None (the buffer \
             is empty *and* no reserved slot is left): stopping at the first `try_recv()` \
             error treats \"empty for now\" (TryRecvError::Empty) like \"no more jobs ever\" \
             and loses it.",
        );
        let mut schedule: Vec<(u64, u64)> = jobs.iter().map(|(_, work)| (0, *work)).collect();
        schedule.push((send_at, late_work));
        let expected = last_end(&schedule, workers).max(shutdown_at);
        assert_eq!(
            returned_at,
            ms(expected),
            "{what} returned after {}, expected exactly {}: run returns when the last job, \
             including the one sent on the reserved slot, has ended.",
            fmt_duration(returned_at),
            fmt_duration(ms(expected))
        );
        drop(tx);
        assert_no_leaked_tasks("run returned").await;
    })
    .await;
}

/// A producer that sends each `(at ms, id, work ms)` job at its time, after
/// a seeded pause, and records when each send was accepted or refused.
async fn produce(
    tx: mpsc::Sender<Job>,
    schedule: Vec<(u64, u32, u64)>,
    jitter: Jitter,
) -> (Vec<(u32, u64, u64)>, Vec<u32>) {
    let start = Instant::now();
    let (mut accepted, mut refused) = (Vec::new(), Vec::new());
    for (at, id, work) in schedule {
        sleep_until(start + ms(at)).await;
        jitter.pause().await;
        match tx.send(Job::new(id, ms(work))).await {
            Ok(()) => accepted.push((id, (Instant::now() - start).as_millis() as u64, work)),
            Err(_) => refused.push(id),
        }
    }
    (accepted, refused)
}

/// Runs `run` against a producer following `schedule`, with a signal at
/// `shutdown_at`; checks the report and the instant run returns, and
/// returns (accepted, refused, report, returned at).
async fn with_producer(
    schedule: &[(u64, u32, u64)],
    workers: usize,
    shutdown_at: u64,
    jitter: Jitter,
) -> (Vec<u32>, Vec<u32>, Report, Duration) {
    let (tx, rx) = mpsc::channel::<Job>(schedule.len().max(1));
    let producer = tokio::spawn(produce(tx, schedule.to_vec(), jitter));
    let what = format!(
        "run({workers} workers, shutdown at {}) with jobs sent at [{}]",
        fmt_duration(ms(shutdown_at)),
        schedule
            .iter()
            .map(|(at, id, work)| format!(
                "{}: job {id} ({})",
                fmt_duration(ms(*at)),
                fmt_duration(ms(*work))
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let watch = Stopwatch::start();
    let report = guarded(&what, run(rx, sleep(ms(shutdown_at)), workers)).await;
    let returned_at = watch.elapsed();
    let (accepted, refused) = producer.await.expect("the test's producer task panicked");

    let accepted_ids: Vec<u32> = accepted.iter().map(|(id, _, _)| *id).collect();
    let late: Vec<u32> = accepted
        .iter()
        .filter(|(_, at, _)| *at > shutdown_at)
        .map(|(id, _, _)| *id)
        .collect();
    assert!(
        late.is_empty(),
        "{what}: the sends of jobs {late:?} succeeded after shutdown fired. After shutdown \
         the channel must refuse new work: call `close()` on the Receiver when the signal \
         fires."
    );
    let early: Vec<u32> = schedule
        .iter()
        .filter(|(at, id, _)| *at < shutdown_at && refused.contains(id))
        .map(|(_, id, _)| *id)
        .collect();
    assert!(
        early.is_empty(),
        "{what}: the sends of jobs {early:?} failed, although they were sent before shutdown \
         fired. Until the signal, the channel must take work: close it only at the signal."
    );
    assert_reports_exactly(
        &what,
        &report,
        &accepted_ids,
        "Every job whose send succeeded must be finished: the ones running at shutdown and \
         the ones still waiting in the channel's buffer.",
    );
    let schedule: Vec<(u64, u64)> = accepted.iter().map(|(_, at, work)| (*at, *work)).collect();
    let expected = last_end(&schedule, workers).max(shutdown_at);
    assert_eq!(
        returned_at,
        ms(expected),
        "{what} returned after {}, expected exactly {}: each accepted job starts as soon as \
         a worker is free (in the order they were sent), and run returns when the last one \
         ends (or at the signal, if that is later). Earlier: more than `workers` jobs ran at \
         once, or run did not wait for every worker. Later: a worker sat idle while jobs \
         waited, or something waited on a timer.",
        fmt_duration(returned_at),
        fmt_duration(ms(expected))
    );
    (accepted_ids, refused, report, returned_at)
}

#[tokio::test(start_paused = true)]
async fn jobs_wait_in_the_channel_while_every_worker_is_busy() {
    for_each_seed(16, |mut rng| async move {
        let workers = rng.range(1, 3) as usize;
        let capacity = rng.range(1, 4) as usize;
        // Far more jobs than the workers and the buffer hold, all sent at
        // 0ms by one producer that waits whenever the channel is full. Every
        // job takes longer than the time before the signal, so the workers
        // are all busy with their first job until after it.
        let n = 2 * workers + capacity + rng.range(3, 9) as usize;
        let shutdown_at = rng.odd_ms(11, 400);
        let jobs = seeded_jobs(&mut rng, n);
        let schedule: Vec<(u64, u32, u64)> = jobs
            .into_iter()
            .map(|(id, _)| (0, id, rng.odd_ms(shutdown_at + 11, 1999)))
            .collect();
        let (tx, rx) = mpsc::channel::<Job>(capacity);
        let producer = tokio::spawn(produce(tx, schedule.clone(), Jitter::none()));
        let what = format!(
            "run({workers} workers, a channel of capacity {capacity}, shutdown at {}) with \
             {n} jobs sent at 0ms, each taking longer than that",
            fmt_duration(ms(shutdown_at))
        );

        let watch = Stopwatch::start();
        let report = guarded(&what, run(rx, sleep(ms(shutdown_at)), workers)).await;
        let returned_at = watch.elapsed();
        let (accepted, _refused) = producer.await.expect("the test's producer task panicked");

        // What the workers were busy with, the buffer, and at most one job
        // per worker waiting inside run for its worker.
        let most = workers + capacity + workers;
        assert!(
            accepted.len() <= most,
            "{what}: {} of the {n} sends succeeded, while every worker was still busy with its \
             first job. The workers hold {workers} job(s) and the channel \
             {capacity}: the other sends should have waited for room, and failed at the \
             signal. run took jobs off the channel with no worker free to start them (a task \
             spawned per job that then waits for a permit, or a queue of its own), so the \
             bounded channel never fills, producers are never held back, and every job taken \
             must still be run before run can return. Wait for a free worker first, then take \
             the job (as the starter's dispatch does).",
            accepted.len()
        );
        let accepted_ids: Vec<u32> = accepted.iter().map(|(id, _, _)| *id).collect();
        assert_reports_exactly(
            &what,
            &report,
            &accepted_ids,
            "Every job whose send succeeded must be finished.",
        );
        let starts: Vec<(u64, u64)> = accepted.iter().map(|(_, at, work)| (*at, *work)).collect();
        let expected = last_end(&starts, workers).max(shutdown_at);
        assert_eq!(
            returned_at,
            ms(expected),
            "{what} returned after {}, expected exactly {}: each accepted job starts as soon as \
             a worker is free, and run returns when the last one ends.",
            fmt_duration(returned_at),
            fmt_duration(ms(expected))
        );
        assert_no_leaked_tasks("run returned and the producer finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn every_accepted_job_is_reported_exactly_once() {
    // The readable example first: twelve jobs over 1.3s, 3 workers, the
    // signal at 1009ms.
    let schedule = [
        (0, 14, 503),
        (0, 3, 307),
        (0, 25, 809),
        (0, 8, 211),
        (251, 11, 401),
        (601, 6, 107),
        (907, 19, 311),
        (907, 2, 613),
        (953, 30, 211),
        (953, 17, 101),
        (1103, 4, 101),
        (1301, 12, 101),
    ];
    let (accepted, refused, report, returned_at) =
        with_producer(&schedule, 3, 1009, Jitter::none()).await;
    let outcome = format!(
        "accepted (send returned Ok): {accepted:?}\n\
         refused (send returned Err): {refused:?}\n\
         report.completed: {:?}\n\
         run returned at: {}",
        report.completed,
        fmt_duration(returned_at)
    );
    insta::with_settings!({
        description => "run(3 workers, shutdown at 1009ms): twelve jobs sent between 0 and \
            1301ms. The jobs sent before the signal are accepted and all of them are done (the \
            last one, job 2, runs from 907ms to 1520ms); the two sent after it are refused.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("every_accepted_job_once", outcome);
    });
    assert_no_leaked_tasks("run returned and the producer finished").await;

    for_each_seed(48, |mut rng| async move {
        let workers = rng.range(1, 4) as usize;
        let shutdown_at = rng.odd_ms(101, 1999);
        let n = rng.range(2, 12) as usize;
        let jobs = seeded_jobs(&mut rng, n);
        let mut times: Vec<u64> = (0..n)
            .map(|_| match rng.below(5) {
                // At the very instant of the signal.
                0 => shutdown_at,
                1 => rng.range(shutdown_at + 1, shutdown_at + 500),
                _ => rng.range(0, shutdown_at - 1),
            })
            .collect();
        times.sort_unstable();
        let schedule: Vec<(u64, u32, u64)> = times
            .into_iter()
            .zip(jobs)
            .map(|(at, (id, work))| (at, id, work))
            .collect();
        with_producer(&schedule, workers, shutdown_at, Jitter::new(rng.next_u64())).await;
        assert_no_leaked_tasks("run returned and the producer finished").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_run_stops_taking_jobs() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(3, 8) as usize;
        let workers = rng.range(1, 3) as usize;
        let jobs = seeded_jobs(&mut rng, n);
        let (tx, rx) = prefilled(n + 4, &jobs).await;
        let drop_at = rng.odd_ms(5, 500);
        let what = format!(
            "run({n} jobs in the channel, {workers} workers, a producer still alive, a signal \
             that never fires), dropped by its caller after {}",
            fmt_duration(ms(drop_at))
        );
        let outcome = cancel_after(ms(drop_at), no_spin(&what, run(rx, pending(), workers))).await;
        assert!(
            outcome.is_none(),
            "{what}: it returned {outcome:?} before it was dropped, although neither the \
             signal fired nor the Senders were dropped."
        );
        // Let tasks it aborted on the way out be dropped (no time passes).
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        let late = tx.send(Job::new(4242, ms(10))).await;
        assert!(
            late.is_err(),
            "{what}: after the caller dropped run's future, the jobs channel still takes \
             jobs, so something of run is still running and holds the Receiver (a dispatcher \
             or workers spawned as tasks, waiting for more jobs). When run is dropped, \
             nothing may go on taking work: keep the Receiver in run's own future."
        );
        // The jobs it had already taken may still finish (however long they
        // all take, one after another); then nothing may be left.
        let all_work: u64 = jobs.iter().map(|(_, work)| work).sum();
        sleep(ms(all_work)).await;
        assert_nothing_left_running(
            &format!(
                "{what}, and {} more for the jobs it had taken to end",
                fmt_duration(ms(all_work))
            ),
            ms(60_000),
        )
        .await;
    })
    .await;
}
