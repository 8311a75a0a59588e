//! A request handler runs in a task of its own (one per connection), so
//! the future of `handle_request` must be `Send`: `tokio::spawn` may move a
//! task to another worker thread at any `.await`, and refuses (does not
//! compile) a future that cannot move.
//!
//! If this test fails, your `handle_request` keeps something that is not
//! `Send` alive across an `.await`: usually an `EnteredSpan`, the guard of
//! `span.entered()`, which is deliberately `!Send`. Holding an entered span
//! across an `.await` is the bug this kata is about; `#[instrument]` and
//! `.instrument(span)` do it right.
//!
//! The check is made by the compiler, but reported as a test failure rather
//! than a compile error, so that the other tests still run: the two
//! `is_send` methods below are picked by method resolution, the first one
//! only if the future's type is `Send`.

use std::marker::PhantomData;

use kata_30_tracing_spans::{Request, handle_request};
use kata_support::{assert_no_leaked_tasks, no_hang};

/// Stands for a value of type `T`, for the two probes below.
struct Probe<T>(PhantomData<T>);

/// Chosen when `T: Send` (the receiver matches without auto-deref).
trait SendProbe {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> SendProbe for &Probe<T> {}

/// The fallback, one auto-deref further, for any `T` (unused, and so
/// allowed to be, whenever the future is `Send`).
#[allow(dead_code)]
trait AnyProbe {
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> AnyProbe for Probe<T> {}

fn probe<T>(_: &T) -> Probe<T> {
    Probe(PhantomData)
}

#[tokio::test(start_paused = true)]
async fn handle_request_can_run_inside_tokio_spawn() {
    let request = handle_request(Request {
        id: 9,
        user: "dee".to_string(),
        items: vec![1, 4],
    });
    assert!(
        (&&probe(&request)).is_send(),
        "the future of handle_request is not Send, so tokio::spawn refuses it: a server \
         could not run a request in a task of its own (the compiler says \"future cannot \
         be sent between threads safely\"). Something that is not Send is held across an \
         .await: usually the EnteredSpan of `span.entered()`, kept entered while the \
         request waits. Attach the span to the future instead (#[instrument], or \
         `.instrument(span)`), which enters it only while the future is polled."
    );
    let total = no_hang("handle_request(9, dee, items [1, 4])", request).await;
    assert_eq!(
        total, 500,
        "handle_request for items [1, 4] returned {total}, expected 500."
    );
    assert_no_leaked_tasks("handle_request finished").await;
}
