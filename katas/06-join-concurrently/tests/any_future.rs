//! Must compile: `both` accepts any two futures, and `all` any `fetch`.
//!
//! Joining polls the futures on the caller's own task: they never move to
//! another thread (so they need not be `Send`) and never outlive the call
//! (so they may borrow the caller's locals: they need not be `'static`).
//! That is what joining has over `tokio::spawn` (kata 05), and why the
//! signatures in `src/lib.rs` ask for nothing more than `Future`.
//!
//! If this file does not compile against your code, read the compiler's
//! error: it names the bound your version added ("cannot be sent between
//! threads safely", "borrowed value does not live long enough"). Bounds
//! such as `Send + 'static` mean the futures are handed to `tokio::spawn`:
//! join them in this task instead, with `tokio::join!(a, b)`.
//!
//! It runs, too: the futures here are timed, so code that compiles but
//! awaits them one after the other still fails.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::BoxFuture;
use kata_06_join_concurrently::{all, both};
use kata_support::{Stopwatch, ms, no_hang};
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn any_future() {
    // Two futures that borrow locals (not 'static), hold an Rc across an
    // .await (not Send), and, being async blocks, are not Unpin.
    let name = String::from("borrowed");
    let visits = Rc::new(Cell::new(0u32));
    let watch = Stopwatch::start();
    let outputs = no_hang(
        "both(two futures that borrow locals and hold an Rc)",
        both(
            async {
                let held = visits.clone();
                sleep(ms(613)).await;
                held.set(held.get() + 1);
                name.len() as u32
            },
            async {
                let held = visits.clone();
                sleep(ms(287)).await;
                held.set(held.get() + 10);
                name.len() as u32 * 100
            },
        ),
    )
    .await;
    assert_eq!(
        (outputs, visits.get()),
        ((8, 800), 11),
        "both(a 613ms future returning 8, a 287ms future returning 800) returned {outputs:?}, \
         expected (8, 800): the two outputs in the order of the arguments."
    );
    watch.assert_elapsed(
        ms(613),
        "both(a 613ms future, a 287ms future)",
        "Joined, the two futures take as long as the slower one: 613ms. 900ms means one after \
         the other: await both at once from this task with tokio::join!(a, b).",
    );

    // A fetch that borrows a local and uses an Rc (a closure that is
    // neither 'static nor Send); its futures are Send and 'static, as
    // BoxFuture<'static, u32> says.
    let base = Rc::new(1000u32);
    let offsets = [7u32, 3, 5];
    let fetch = |id: u32| -> BoxFuture<'static, u32> {
        let value = *base + offsets[id as usize % offsets.len()] + id;
        Box::pin(async move {
            sleep(ms(100 + 37 * u64::from(id))).await;
            value
        })
    };
    let watch = Stopwatch::start();
    let results = no_hang(
        "all([4, 1, 2], a borrowing fetch)",
        all(vec![4, 1, 2], fetch),
    )
    .await;
    assert_eq!(
        results,
        [1007, 1004, 1007],
        "all([4, 1, 2], fetch) returned {results:?}: one result per id, in the order of the ids."
    );
    watch.assert_elapsed(
        ms(248),
        "all([4, 1, 2], fetches of 248ms, 137ms and 174ms)",
        "Joined, the fetches take as long as the slowest one: 248ms.",
    );
}
