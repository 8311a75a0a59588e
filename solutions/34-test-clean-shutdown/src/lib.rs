//! Tests for the worker's shutdown (kata 34): the reference tests.
//!
//! Every test runs on tokio's paused clock, so a job of 317 ms takes
//! exactly 317 ms of virtual time, and `shutdown` must return at exactly the
//! instant the jobs imply. Each job logs when it starts, when it ends, and
//! when it is dropped before it ended (cut off). Job times are irregular and
//! unequal, so jobs that overlap, or run in the wrong order, show in the log.
//!
//! | what could be wrong | the test that sees it |
//! |---|---|
//! | returns before the jobs are done (and leaves the worker running) | `shutdown_finishes_the_running_job_then_the_queue_in_order` |
//! | queued jobs dropped, or the running job aborted | `shutdown_finishes_the_running_job_then_the_queue_in_order` |
//! | queued jobs run all at once at shutdown | `shutdown_finishes_the_running_job_then_the_queue_in_order` |
//! | new jobs still accepted once shutdown has begun | `shutdown_refuses_new_jobs_at_once` |
//! | a time limit on the wait (returns, leaving jobs running) | `shutdown_waits_for_a_long_queue_in_full` |
//! | a dropped `Worker` not taken as a stop (the task lives on) | `dropping_the_worker_stops_it_once_its_jobs_are_done` |

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_34_test_clean_shutdown::{start, Closed};
use tokio::runtime::Handle;
use tokio::time::{sleep, timeout, Instant};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// What the jobs did, as (virtual ms since the log was made, event).
#[derive(Clone)]
struct Log {
    t0: Instant,
    events: Arc<Mutex<Vec<(u64, String)>>>,
}

/// Logs "`name` cut off" if the job is dropped before it ended.
struct CutOff {
    log: Log,
    name: &'static str,
    ended: bool,
}

impl Drop for CutOff {
    fn drop(&mut self) {
        if !self.ended {
            self.log.record(format!("{} cut off", self.name));
        }
    }
}

impl Log {
    fn new() -> Log {
        Log {
            t0: Instant::now(),
            events: Arc::default(),
        }
    }

    fn record(&self, event: String) {
        let at = self.t0.elapsed().as_millis() as u64;
        self.events.lock().unwrap().push((at, event));
    }

    /// A job that takes `takes` ms, logging its start and its end.
    fn job(&self, name: &'static str, takes: u64) -> impl Future<Output = ()> + Send + 'static {
        let log = self.clone();
        async move {
            let mut cut_off = CutOff {
                log: log.clone(),
                name,
                ended: false,
            };
            log.record(format!("{name} starts"));
            sleep(ms(takes)).await;
            log.record(format!("{name} ends"));
            cut_off.ended = true;
        }
    }

    fn events(&self) -> Vec<(u64, String)> {
        self.events.lock().unwrap().clone()
    }

    fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }
}

fn events(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|&(at, e)| (at, e.to_string())).collect()
}

/// Awaits `fut`, failing (in microseconds of real time) if it has not
/// returned after an hour of virtual time.
async fn guarded<F: Future>(what: &str, fut: F) -> F::Output {
    timeout(Duration::from_secs(3600), fut)
        .await
        .unwrap_or_else(|_| panic!("{what} had not returned after an hour of virtual time"))
}

/// Fails if any task is still alive, after letting the runtime finish off
/// the tasks that have just ended.
async fn assert_no_task_alive(after: &str) {
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    let alive = Handle::current().metrics().num_alive_tasks();
    assert_eq!(
        alive, 0,
        "{alive} task(s) still running after {after}: the worker should be gone"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_the_running_job_then_the_queue_in_order() {
    let log = Log::new();
    let (jobs, worker) = start(4);
    for (name, takes) in [("A", 317), ("B", 45), ("C", 505)] {
        jobs.submit(log.job(name, takes)).await.unwrap();
    }
    sleep(ms(100)).await;
    // At 100 ms, A is running and B, C are queued.
    guarded("shutdown", worker.shutdown()).await;
    let returned_at = log.now_ms();
    assert_eq!(
        log.events(),
        events(&[
            (0, "A starts"),
            (317, "A ends"),
            (317, "B starts"),
            (362, "B ends"),
            (362, "C starts"),
            (867, "C ends"),
        ]),
        "shutdown at 100 ms, with A (317 ms) running and B (45 ms), C (505 ms) queued: \
         A must be finished, then B and C run one after the other"
    );
    assert_eq!(
        returned_at, 867,
        "shutdown returned at {returned_at} ms, expected 867 ms, when the last queued job \
         (C) ended"
    );
    assert_no_task_alive("shutdown returned").await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_refuses_new_jobs_at_once() {
    let log = Log::new();
    // A queue of 1: A runs, B waits in the queue, C's submit waits for room.
    let (jobs, worker) = start(1);
    jobs.submit(log.job("A", 613)).await.unwrap();
    jobs.submit(log.job("B", 29)).await.unwrap();
    let waiting = {
        let jobs = jobs.clone();
        let c = log.job("C", 10);
        async move { jobs.submit(c).await }
    };
    let late = {
        let jobs = jobs.clone();
        let d = log.job("D", 10);
        async move {
            sleep(ms(200)).await;
            jobs.submit(d).await
        }
    };
    let shutting_down = async {
        sleep(ms(50)).await;
        worker.shutdown().await;
    };
    let (waiting, late, ()) = guarded("shutdown with submits waiting and coming", async {
        tokio::join!(waiting, late, shutting_down)
    })
    .await;
    assert_eq!(
        waiting,
        Err(Closed),
        "a submit waiting for room when the shutdown began must be refused"
    );
    assert_eq!(
        late,
        Err(Closed),
        "a submit made during the shutdown (at 200 ms, while A still runs) must be refused"
    );
    assert_eq!(
        log.events(),
        events(&[
            (0, "A starts"),
            (613, "A ends"),
            (613, "B starts"),
            (642, "B ends")
        ]),
        "only A and B were accepted: only they may run"
    );
    assert_eq!(
        jobs.submit(log.job("E", 1)).await,
        Err(Closed),
        "after shutdown, submit must fail"
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_a_long_queue_in_full() {
    let log = Log::new();
    let (jobs, worker) = start(8);
    for (name, takes) in [("A", 4_001), ("B", 7_333), ("C", 9_017)] {
        jobs.submit(log.job(name, takes)).await.unwrap();
    }
    guarded("shutdown", worker.shutdown()).await;
    assert_eq!(
        log.now_ms(),
        20_351,
        "shutdown must wait for every accepted job, however long they take: \
         4001 + 7333 + 9017 ms"
    );
    assert_eq!(log.events().len(), 6, "every job started and ended");
    assert_no_task_alive("shutdown returned").await;
}

#[tokio::test(start_paused = true)]
async fn dropping_the_worker_stops_it_once_its_jobs_are_done() {
    let log = Log::new();
    let (jobs, worker) = start(4);
    jobs.submit(log.job("A", 301)).await.unwrap();
    jobs.submit(log.job("B", 199)).await.unwrap();
    sleep(ms(50)).await;
    drop(worker);
    // The worker closes its queue when its task next runs, in this same
    // instant: let it run once.
    tokio::task::yield_now().await;
    assert_eq!(
        jobs.submit(log.job("C", 1)).await,
        Err(Closed),
        "once the Worker is dropped, the worker takes no new jobs"
    );
    sleep(ms(1000)).await;
    assert_eq!(
        log.events(),
        events(&[
            (0, "A starts"),
            (301, "A ends"),
            (301, "B starts"),
            (500, "B ends")
        ]),
        "a dropped Worker still finishes the jobs it accepted"
    );
    // The Submitter is still alive: the worker must have ended all the same.
    assert_no_task_alive("the dropped Worker's jobs were done").await;
    drop(jobs);
}
