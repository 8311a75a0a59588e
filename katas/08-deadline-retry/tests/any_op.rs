//! Must compile: `retry_until` takes any op, with any value and any error.
//!
//! Retrying runs every attempt on the caller's own task: it never sends an
//! attempt's value or error to another thread (`Send`), keeps them past the
//! call (`'static`), or prints, clones or compares them (`Debug`, `Clone`,
//! `PartialEq`); and the op itself is only called, from here (it may borrow
//! locals and need not be `Send`). So the signature in `src/lib.rs` asks for
//! none of that, and neither may yours.
//!
//! If this file does not compile against your code, read the compiler's
//! error: it names the bound your version added. `T: Send + 'static` or
//! `E: Send + 'static` usually means an attempt is handed to
//! `tokio::spawn`: race the attempt itself against the deadline instead.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::BoxFuture;
use kata_08_deadline_retry::retry_until;
use kata_support::{Stopwatch, ms};
use tokio::time::{Instant, sleep};

/// A value and an error that can be neither printed, cloned, compared nor
/// sent to another thread.
struct Value(Rc<u32>);
struct Failure(Rc<String>);

#[tokio::test(start_paused = true)]
async fn any_op() {
    let watch = Stopwatch::start();
    // The op borrows a local and holds an Rc: not 'static, not Send.
    let calls = Rc::new(Cell::new(0u32));
    let label = String::from("not yet");
    let op = || -> BoxFuture<'static, Result<Value, Failure>> {
        calls.set(calls.get() + 1);
        let n = calls.get();
        let message = label.clone();
        Box::pin(async move {
            sleep(ms(13)).await;
            if n < 3 {
                Err(Failure(Rc::new(message)))
            } else {
                Ok(Value(Rc::new(n)))
            }
        })
    };
    match retry_until(Instant::now() + ms(5003), op).await {
        Ok(Value(n)) => assert_eq!(*n, 3),
        Err(error) => panic!(
            "retry_until gave up after {} attempts although attempt 3 succeeds",
            error.attempts
        ),
    }
    // 13ms, 100ms of backoff, 13ms, 200ms of backoff, 13ms.
    watch.assert_elapsed(ms(339), "retry_until(an op that succeeds on attempt 3)", "");

    let never = || -> BoxFuture<'static, Result<Value, Failure>> {
        Box::pin(async { Err(Failure(Rc::new("never".to_string()))) })
    };
    let Err(error) = retry_until(Instant::now() + ms(211), never).await else {
        panic!("retry_until returned Ok for an op that always fails");
    };
    assert_eq!(
        (error.attempts, error.last_error.map(|f| f.0.to_string())),
        (2, Some("never".to_string()))
    );
}
