//! Right: plain tokio and tokio-test: `shutdown` and `submit` are polled by hand (`tokio_test::task::spawn`, `assert_pending!`, `assert_ready!`) while the paused clock is stepped with `tokio::time::advance` to each instant a job ends; the jobs only count what they did.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_34_test_clean_shutdown::{start, Closed, Submitter};
use tokio::time::advance;
use tokio_test::{assert_pending, assert_ready, assert_ready_eq, task};

type Done = Arc<Mutex<Vec<&'static str>>>;

/// Submits a job that takes `millis` and then appends `name` to `done`.
async fn submit(jobs: &Submitter, done: &Done, name: &'static str, millis: u64) {
    let done = done.clone();
    jobs.submit(async move {
        tokio::time::sleep(Duration::from_millis(millis)).await;
        done.lock().unwrap().push(name);
    })
    .await
    .unwrap();
}

/// Lets the worker's task run until it has done what it can at this
/// instant (a job ending, the next one starting, the task ending: a few
/// turns of the scheduler). A spawned task only runs while the test waits
/// or yields: without this, the first job would start only when the test
/// first moves the clock, and late.
async fn settle() {
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
}

/// Moves the clock to `to` ms (from `now`), and lets the worker catch up.
async fn step(now: &mut u64, to: u64) {
    advance(Duration::from_millis(to - *now)).await;
    *now = to;
    settle().await;
}

fn alive() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

#[tokio::test(start_paused = true)]
async fn shutdown_is_ready_exactly_when_the_queue_is_done() {
    let done = Done::default();
    let (jobs, worker) = start(4);
    submit(&jobs, &done, "one", 250).await;
    submit(&jobs, &done, "two", 63).await;
    submit(&jobs, &done, "three", 404).await;
    settle().await; // "one" starts at 0 ms
    let mut now = 0;
    step(&mut now, 20).await;
    let mut shutdown = task::spawn(worker.shutdown());
    assert_pending!(shutdown.poll());
    // Jobs end at 250, 313 and 717: step to each, and just before the last.
    for at in [250, 313, 716] {
        step(&mut now, at).await;
        assert_pending!(shutdown.poll(), "shutdown returned at {at}ms");
    }
    assert_eq!(*done.lock().unwrap(), ["one", "two"]);
    step(&mut now, 717).await;
    assert_ready!(shutdown.poll());
    assert_eq!(*done.lock().unwrap(), ["one", "two", "three"]);
    tokio::task::yield_now().await;
    assert_eq!(alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_submit_waiting_for_room_fails_when_shutdown_begins() {
    let done = Done::default();
    let (jobs, worker) = start(1);
    submit(&jobs, &done, "running", 100).await;
    submit(&jobs, &done, "queued", 100).await;
    let mut waiting = task::spawn(jobs.submit(async {}));
    assert_pending!(waiting.poll(), "the queue is full: submit must wait");
    let mut shutdown = task::spawn(worker.shutdown());
    assert_pending!(shutdown.poll());
    tokio::task::yield_now().await;
    assert_ready_eq!(waiting.poll(), Err(Closed));
    let mut now = 0;
    step(&mut now, 50).await;
    assert_eq!(jobs.submit(async {}).await, Err(Closed), "a submit at 50ms");
    step(&mut now, 100).await;
    assert_pending!(shutdown.poll());
    step(&mut now, 200).await;
    assert_ready!(shutdown.poll());
    assert_eq!(*done.lock().unwrap(), ["running", "queued"]);
}

#[tokio::test(start_paused = true)]
async fn shutdown_has_no_time_limit() {
    let done = Done::default();
    let (jobs, worker) = start(2);
    submit(&jobs, &done, "slow", 12_345).await;
    submit(&jobs, &done, "slower", 23_456).await;
    settle().await;
    let mut shutdown = task::spawn(worker.shutdown());
    assert_pending!(shutdown.poll());
    let mut now = 0;
    step(&mut now, 12_345).await;
    step(&mut now, 35_800).await;
    assert_pending!(shutdown.poll());
    assert!(alive() > 0, "the worker is still running its last job");
    step(&mut now, 35_801).await;
    assert_ready!(shutdown.poll());
    tokio::task::yield_now().await;
    assert_eq!(alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_worker_ends_its_task_after_its_jobs() {
    let done = Done::default();
    let (jobs, worker) = start(3);
    submit(&jobs, &done, "x", 70).await;
    submit(&jobs, &done, "y", 30).await;
    drop(worker);
    tokio::task::yield_now().await;
    assert_eq!(jobs.submit(async {}).await, Err(Closed));
    let mut now = 0;
    step(&mut now, 70).await;
    assert_eq!(alive(), 1, "the worker still has y to run");
    step(&mut now, 100).await;
    tokio::task::yield_now().await;
    assert_eq!(*done.lock().unwrap(), ["x", "y"]);
    assert_eq!(
        alive(),
        0,
        "the worker's task must end once its jobs are done"
    );
    drop(jobs);
}
