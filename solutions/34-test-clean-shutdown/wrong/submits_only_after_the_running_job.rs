//! Wrong: pins the drain, the times and the live tasks down, and submits during the shutdown, but only once the job that was running when it began has ended (never while that job runs, never one waiting for room), so a worker that notices the shutdown only between jobs, and meanwhile still takes new jobs, gets through.
//! Caught by: mutants::closes_its_queue_only_after_the_running_job


use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_34_test_clean_shutdown::{Closed, start};
use tokio::task::yield_now;
use tokio::time::{Instant, advance, sleep, timeout};
use tokio_test::{assert_pending, assert_ready};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A journal of what jobs did, stamped with virtual milliseconds since t0.
#[derive(Clone)]
struct Journal {
    t0: Instant,
    lines: Arc<Mutex<Vec<(u64, String)>>>,
}

struct CutOff {
    journal: Journal,
    name: &'static str,
    finished: bool,
}

impl Drop for CutOff {
    fn drop(&mut self) {
        if !self.finished {
            self.journal.note(format!("{} CUT OFF", self.name));
        }
    }
}

impl Journal {
    fn new() -> Journal {
        Journal { t0: Instant::now(), lines: Arc::default() }
    }
    fn now(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }
    fn note(&self, what: String) {
        let t = self.now();
        self.lines.lock().unwrap().push((t, what));
    }
    fn job(&self, name: &'static str, runs: u64) -> impl std::future::Future<Output = ()> + Send + 'static {
        let journal = self.clone();
        async move {
            let mut guard = CutOff { journal: journal.clone(), name, finished: false };
            journal.note(format!("{name} start"));
            sleep(ms(runs)).await;
            journal.note(format!("{name} end"));
            guard.finished = true;
        }
    }
    fn lines(&self) -> Vec<(u64, String)> {
        self.lines.lock().unwrap().clone()
    }
}

fn expect(entries: &[(u64, &str)]) -> Vec<(u64, String)> {
    entries.iter().map(|(t, s)| (*t, s.to_string())).collect()
}

fn live_tasks() -> usize {
    tokio::runtime::Handle::current().metrics().num_alive_tasks()
}

async fn nothing_left() {
    yield_now().await;
    yield_now().await;
    assert_eq!(live_tasks(), 0, "a task is still alive");
}

#[tokio::test(start_paused = true)]
async fn a_busy_worker_drains_running_and_queued_jobs_in_order() {
    let j = Journal::new();
    let (jobs, worker) = start(4);
    for (name, runs) in [("A", 317), ("B", 45), ("C", 505), ("D", 1203)] {
        assert_eq!(jobs.submit(j.job(name, runs)).await, Ok(()));
    }
    sleep(ms(100)).await;
    let asked = j.now();
    timeout(Duration::from_secs(3600), worker.shutdown()).await.expect("shutdown never returned");
    assert_eq!(asked, 100);
    assert_eq!(j.now(), 2070, "shutdown should return exactly when D ends");
    assert_eq!(
        j.lines(),
        expect(&[
            (0, "A start"),
            (317, "A end"),
            (317, "B start"),
            (362, "B end"),
            (362, "C start"),
            (867, "C end"),
            (867, "D start"),
            (2070, "D end"),
        ])
    );
    nothing_left().await;
    assert_eq!(jobs.submit(j.job("late", 1)).await, Err(Closed));
}

#[tokio::test(start_paused = true)]
async fn a_drain_of_nearly_a_minute_is_waited_for() {
    let j = Journal::new();
    let (jobs, worker) = start(12);
    let runs = [4_100u64, 3_900, 6_700, 2_300, 5_500, 7_900, 1_100, 8_800, 3_300, 4_444, 2_222];
    let names = ["j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8", "j9", "j10"];
    for (name, r) in names.iter().zip(runs) {
        jobs.submit(j.job(name, r)).await.unwrap();
    }
    sleep(ms(1)).await;
    timeout(Duration::from_secs(3600), worker.shutdown()).await.expect("shutdown never returned");
    let total: u64 = runs.iter().sum();
    assert_eq!(j.now(), total);
    let mut expected = Vec::new();
    let mut t = 0;
    for (name, r) in names.iter().zip(runs) {
        expected.push((t, format!("{name} start")));
        t += r;
        expected.push((t, format!("{name} end")));
    }
    assert_eq!(j.lines(), expected);
    nothing_left().await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_worker_shuts_down_at_once() {
    let (jobs, worker) = start(3);
    sleep(Duration::from_secs(5)).await;
    let before = Instant::now();
    timeout(ms(1), worker.shutdown()).await.expect("an idle shutdown must not wait");
    assert_eq!(before.elapsed(), Duration::ZERO);
    nothing_left().await;
    drop(jobs);
}

#[tokio::test(start_paused = true)]
async fn one_running_job_is_finished_not_cut() {
    let j = Journal::new();
    let (jobs, worker) = start(2);
    jobs.submit(j.job("only", 777)).await.unwrap();
    sleep(ms(333)).await;
    timeout(Duration::from_secs(60), worker.shutdown()).await.unwrap();
    assert_eq!(j.now(), 777);
    assert_eq!(j.lines(), expect(&[(0, "only start"), (777, "only end")]));
    nothing_left().await;
}

#[tokio::test(start_paused = true)]
async fn jobs_run_one_at_a_time_as_they_are_accepted() {
    let j = Journal::new();
    let (jobs, worker) = start(2);
    jobs.submit(j.job("a", 50)).await.unwrap();
    sleep(ms(80)).await; // idle from 50 to 80
    jobs.submit(j.job("b", 70)).await.unwrap();
    jobs.submit(j.job("c", 10)).await.unwrap();
    sleep(ms(500)).await;
    assert_eq!(
        j.lines(),
        expect(&[
            (0, "a start"),
            (50, "a end"),
            (80, "b start"),
            (150, "b end"),
            (150, "c start"),
            (160, "c end"),
        ])
    );
    timeout(ms(1), worker.shutdown()).await.unwrap();
    nothing_left().await;
}

#[tokio::test(start_paused = true)]
async fn when_all_submitters_are_gone_the_queue_is_run_and_the_task_ends() {
    let j = Journal::new();
    let (jobs, worker) = start(3);
    let other = jobs.clone();
    jobs.submit(j.job("A", 90)).await.unwrap();
    other.submit(j.job("B", 35)).await.unwrap();
    drop(jobs);
    drop(other);
    sleep(ms(200)).await;
    assert_eq!(
        j.lines(),
        expect(&[(0, "A start"), (90, "A end"), (90, "B start"), (125, "B end")])
    );
    yield_now().await;
    assert_eq!(live_tasks(), 0, "the worker's task should have ended");
    let before = Instant::now();
    timeout(ms(1), worker.shutdown()).await.expect("shutdown of a finished worker");
    assert_eq!(before.elapsed(), Duration::ZERO);
}
#[tokio::test(start_paused = true)]
async fn submits_during_the_shutdown_are_refused() {
    let j = Journal::new();
    let (jobs, worker) = start(1);
    jobs.submit(j.job("A", 300)).await.unwrap();
    yield_now().await; // the worker takes A: the queue is empty again
    jobs.submit(j.job("B", 200)).await.unwrap(); // queued: the queue is full

    let late = jobs.clone();
    let j2 = j.clone();
    let (returned_at, late_result) = timeout(Duration::from_secs(60), async {
        tokio::join!(
            async {
                sleep(ms(50)).await;
                worker.shutdown().await;
                j.now()
            },
            async move {
                sleep(ms(420)).await; // B is running
                late.submit(j2.job("during-B", 5)).await
            },
        )
    })
    .await
    .expect("hung");
    assert_eq!(late_result, Err(Closed), "a submit while the last job runs");
    assert_eq!(returned_at, 500);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(
        j.lines(),
        expect(&[(0, "A start"), (300, "A end"), (300, "B start"), (500, "B end")])
    );
    assert_eq!(jobs.submit(j.job("after", 1)).await, Err(Closed));
    drop(jobs);
    nothing_left().await;
}

#[tokio::test(start_paused = true)]
async fn a_dropped_worker_finishes_its_jobs_then_goes_away() {
    let j = Journal::new();
    let (jobs, worker) = start(3);
    jobs.submit(j.job("A", 250)).await.unwrap();
    jobs.submit(j.job("B", 130)).await.unwrap();
    jobs.submit(j.job("C", 61)).await.unwrap();
    sleep(ms(20)).await;
    drop(worker);

    sleep(ms(420)).await; // 440: C ends at 441
    assert_eq!(live_tasks(), 1, "the worker still has C to finish");
    sleep(ms(2)).await; // 442
    assert_eq!(
        j.lines(),
        expect(&[
            (0, "A start"),
            (250, "A end"),
            (250, "B start"),
            (380, "B end"),
            (380, "C start"),
            (441, "C end"),
        ])
    );
    nothing_left().await; // with `jobs` still alive
    assert_eq!(jobs.submit(j.job("later", 1)).await, Err(Closed));
    drop(jobs);
}

