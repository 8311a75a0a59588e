//! Must compile: `with_timeout` and `first_within` accept any future, and
//! any output.
//!
//! A timeout races the future on the caller's own task: it never needs to
//! send the future to another thread (`Send`), to let it outlive the caller
//! (`'static`), to move it after it was first polled (`Unpin`), or to print,
//! clone or compare its output (`Debug`, `Clone`, `PartialEq`). So the
//! signatures in `src/lib.rs` ask for none of that, and neither may yours.
//!
//! If this file does not compile against your code, read the compiler's
//! error: it names the bound your version added. A bound such as
//! `F: Send + 'static` or `T: Send + 'static` usually means the work is
//! handed to `tokio::spawn`: race the future itself in `select!` instead,
//! on the task that called you.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::BoxFuture;
use kata_07_timeout::{first_within, with_timeout};
use kata_support::{Stopwatch, ms};
use tokio::time::{Instant, sleep};

/// An output that can be neither printed, cloned, compared nor sent.
struct Plain(Rc<usize>);

#[tokio::test(start_paused = true)]
async fn any_future() {
    let watch = Stopwatch::start();

    // Borrows locals (not 'static) and holds an Rc across an .await (not
    // Send); an async block is not Unpin either.
    let label = String::from("borrowed");
    let counter = Rc::new(Cell::new(0u32));
    let result = with_timeout(ms(1013), async {
        let held = counter.clone();
        sleep(ms(317)).await;
        held.set(held.get() + 1);
        Plain(Rc::new(label.len()))
    })
    .await;
    let Ok(Plain(len)) = result else {
        panic!("with_timeout(1013ms, a future that takes 317ms) timed out");
    };
    assert_eq!((*len, counter.get()), (8, 1));
    watch.assert_elapsed(ms(317), "with_timeout(1013ms, a 317ms future)", "");

    // Ops whose output is an Rc: each future is Send (no Rc is held across
    // an .await), the output is not.
    let ops: Vec<BoxFuture<'static, Plain>> = vec![
        Box::pin(async {
            sleep(ms(413)).await;
            Plain(Rc::new(2))
        }),
        Box::pin(async {
            sleep(ms(211)).await;
            Plain(Rc::new(1))
        }),
        Box::pin(async {
            sleep(ms(5003)).await;
            Plain(Rc::new(3))
        }),
    ];
    let watch = Stopwatch::start();
    let results = first_within(Instant::now() + ms(1009), ops).await;
    let got: Vec<Option<usize>> = results.iter().map(|r| r.as_ref().map(|p| *p.0)).collect();
    assert_eq!(
        got,
        [Some(2), Some(1), None],
        "first_within(a deadline 1009ms away, ops of 413ms, 211ms and 5003ms) returned these \
         values: one entry per op, in the order of the ops."
    );
    watch.assert_elapsed(ms(1009), "first_within(..)", "It returns at the deadline.");
}
