//! Must compile: `run` takes any shutdown future, as its signature says
//! (`impl Future<Output = ()>`), not only one that is `Send`, `'static` or
//! `Unpin`.
//!
//! The signal here is an `async` block (not `Unpin`) that borrows a local
//! `Notify` (not `'static`) and holds an `Rc` across its `.await` (not
//! `Send`). If this file does not compile, `run` asks more of its shutdown
//! future than the kata allows: it is awaited inside `run` (in a `select!`,
//! pinned with `tokio::pin!` or `std::pin::pin!`), never spawned.

use std::rc::Rc;

use kata_15_graceful_shutdown::{Job, run};
use kata_support::{Stopwatch, assert_no_leaked_tasks, ms, no_hang, no_spin};
use tokio::sync::{Notify, mpsc};

#[tokio::test(start_paused = true)]
async fn a_shutdown_future_that_is_neither_send_nor_static_is_accepted() {
    let (tx, rx) = mpsc::channel(4);
    for (id, work) in [(5, 1013), (9, 211)] {
        tx.send(Job::new(id, ms(work))).await.unwrap();
    }
    let signal = Notify::new();
    let shutdown = async {
        let owner = Rc::new("the caller");
        signal.notified().await;
        drop(owner);
    };
    let what = "run(jobs 5 (1013ms) and 9 (211ms), 1 worker, a shutdown signal at 317ms that \
                borrows a local)";
    let watch = Stopwatch::start();
    let (report, ()) = tokio::join!(no_hang(what, no_spin(what, run(rx, shutdown, 1))), async {
        tokio::time::sleep(ms(317)).await;
        signal.notify_one();
    });
    assert!(
        report.completed == [5, 9] && watch.elapsed() == ms(1224),
        "{what} returned {:?} after {:?}, expected [5, 9] after exactly 1224ms: job 5 runs \
         0-1013ms, job 9 (still in the buffer at the signal) 1013-1224ms.",
        report.completed,
        watch.elapsed()
    );
    drop(tx);
    assert_no_leaked_tasks("run returned").await;
}
