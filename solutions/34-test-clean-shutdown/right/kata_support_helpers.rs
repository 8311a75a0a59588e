//! Right: kata-support's helpers (`EventLog` for the jobs, `Stopwatch`, `no_hang`, `assert_no_leaked_tasks`, `assert_nothing_left_running`), other job times and queue sizes, and whole logs compared at once.

use std::future::Future;

use kata_34_test_clean_shutdown::{start, Closed};
use kata_support::{
    assert_no_leaked_tasks, assert_nothing_left_running, ms, no_hang, EventLog, Stopwatch,
};
use tokio::time::sleep;

/// A job that logs "+name" when it starts and "-name" when it ends.
fn job(log: &EventLog, name: &'static str, millis: u64) -> impl Future<Output = ()> + Send + use<> {
    let log = log.clone();
    async move {
        log.record(format!("+{name}"));
        sleep(ms(millis)).await;
        log.record(format!("-{name}"));
    }
}

fn expect(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|&(t, e)| (t, e.to_string())).collect()
}

#[tokio::test(start_paused = true)]
async fn drain_in_order_and_on_time() {
    let log = EventLog::new();
    let watch = Stopwatch::start();
    let (jobs, worker) = start(3);
    jobs.submit(job(&log, "w", 211)).await.unwrap();
    jobs.submit(job(&log, "x", 613)).await.unwrap();
    jobs.submit(job(&log, "y", 37)).await.unwrap();
    jobs.submit(job(&log, "z", 151)).await.unwrap();
    sleep(ms(7)).await;
    no_hang("shutdown", worker.shutdown()).await;
    watch.assert_elapsed(
        ms(1012),
        "shutdown with w running and x, y, z queued",
        "it returns when z, the last job, ends: 211 + 613 + 37 + 151 ms",
    );
    assert_eq!(
        log.events(),
        expect(&[
            (0, "+w"),
            (211, "-w"),
            (211, "+x"),
            (824, "-x"),
            (824, "+y"),
            (861, "-y"),
            (861, "+z"),
            (1012, "-z"),
        ])
    );
    assert_no_leaked_tasks("shutdown").await;
}

#[tokio::test(start_paused = true)]
async fn late_and_waiting_submits_are_refused() {
    let log = EventLog::new();
    let (jobs, worker) = start(2);
    jobs.submit(job(&log, "a", 433)).await.unwrap();
    jobs.submit(job(&log, "b", 19)).await.unwrap();
    jobs.submit(job(&log, "c", 23)).await.unwrap();
    let stuck = jobs.submit(job(&log, "waiting", 1));
    let late = async {
        sleep(ms(440)).await; // while b runs
        jobs.submit(job(&log, "late", 1)).await
    };
    let stop = async {
        sleep(ms(10)).await;
        worker.shutdown().await
    };
    let (stuck, late, ()) = no_hang("shutdown", async { tokio::join!(stuck, late, stop) }).await;
    assert_eq!((stuck, late), (Err(Closed), Err(Closed)));
    assert_eq!(
        log.events(),
        expect(&[
            (0, "+a"),
            (433, "-a"),
            (433, "+b"),
            (452, "-b"),
            (452, "+c"),
            (475, "-c"),
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn a_forty_second_drain_is_waited_for() {
    let log = EventLog::new();
    let watch = Stopwatch::start();
    let (jobs, worker) = start(2);
    jobs.submit(job(&log, "long", 25_003)).await.unwrap();
    jobs.submit(job(&log, "longer", 15_011)).await.unwrap();
    no_hang("shutdown", worker.shutdown()).await;
    watch.assert_elapsed(ms(40_014), "shutdown of a 40 s queue", "no time limit");
    assert_no_leaked_tasks("shutdown").await;
}

#[tokio::test(start_paused = true)]
async fn a_dropped_worker_finishes_and_goes_away() {
    let log = EventLog::new();
    let (jobs, worker) = start(2);
    jobs.submit(job(&log, "p", 97)).await.unwrap();
    jobs.submit(job(&log, "q", 89)).await.unwrap();
    drop(worker);
    tokio::task::yield_now().await;
    assert_eq!(jobs.submit(job(&log, "r", 1)).await, Err(Closed));
    // q ends at 186 ms; look just after, not at that very instant (the
    // test's own timer may fire first).
    sleep(ms(187)).await;
    assert_eq!(
        log.events(),
        expect(&[(0, "+p"), (97, "-p"), (97, "+q"), (186, "-q")])
    );
    assert_nothing_left_running("dropping the Worker", ms(5_000)).await;
}

#[tokio::test(start_paused = true)]
async fn a_submit_with_room_is_refused_while_the_last_job_runs() {
    // The queue has room, and the job that was running when shutdown began
    // is still running: the intake is closed all the same.
    let log = EventLog::new();
    let (jobs, worker) = start(3);
    jobs.submit(job(&log, "m", 307)).await.unwrap();
    sleep(ms(5)).await; // m runs, the queue is empty
    let during = async {
        sleep(ms(100)).await;
        jobs.submit(job(&log, "n", 1)).await
    };
    let ((), during) = no_hang("shutdown", async { tokio::join!(worker.shutdown(), during) }).await;
    assert_eq!(during, Err(Closed), "a submit while m still runs, after shutdown began");
    assert_eq!(log.events(), expect(&[(0, "+m"), (307, "-m")]));
    assert_no_leaked_tasks("shutdown").await;
}
