//! Must compile: `fetch_all` takes any stream of ids and any `FnMut`
//! fetch, with no more bounds than its signature gives.
//!
//! Here the stream holds an `Rc` (not `Send`) in an `async` state machine
//! (not `Unpin`); `fetch` is a closure that counts its calls (`FnMut`, not
//! `Fn`, not `Clone`) and holds an `Rc` (not `Send`); and each fetch future
//! borrows a local price list (not `'static`), holds an `Rc` across an
//! `.await` (not `Send`) and is an `async` block (not `Unpin`). If this file
//! does not compile, your `fetch_all` asks for a bound it does not need:
//! `Unpin` on the stream (pin it inside instead: `std::pin::pin!` or
//! `Box::pin`), `Send` or `'static` (nothing needs to be spawned:
//! `buffered` polls every fetch from your own future), or `Fn`/`Clone` on
//! `fetch` (it is called once per id, one call after the other).

use std::collections::HashMap;
use std::rc::Rc;

use futures::stream;
use kata_21_stream_buffered::fetch_all;
use kata_support::{assert_no_leaked_tasks, ms, no_hang, no_spin};

#[tokio::test(start_paused = true)]
async fn a_stream_and_fetch_with_no_other_traits_are_accepted() {
    let prices: HashMap<u32, u32> = [(31, 7), (12, 3), (57, 11), (12, 3), (8, 5)]
        .into_iter()
        .collect();
    let ids = Rc::new(vec![31u32, 12, 57, 12, 8]);
    let stream_of_ids = stream::unfold((ids.clone(), 0usize), |(ids, next)| async move {
        tokio::time::sleep(ms(13)).await;
        let id = *ids.get(next)?;
        Some((id, (ids, next + 1)))
    });

    let mut calls = 0u32;
    let owner = Rc::new("the caller");
    let fetch = |id: u32| {
        calls += 1;
        let owner = owner.clone();
        let prices = &prices;
        async move {
            let _still_here = owner.clone();
            tokio::time::sleep(ms(u64::from(id) * 3 + 1)).await;
            prices[&id]
        }
    };

    let results = no_hang(
        "fetch_all(a stream that is neither Send nor Unpin, limit 2, an FnMut fetch whose \
         futures borrow a local)",
        no_spin("fetch_all", fetch_all(stream_of_ids, 2, fetch)),
    )
    .await;
    assert_eq!(
        results,
        [7, 3, 11, 3, 5],
        "fetch_all(ids 31, 12, 57, 12, 8, limit 2) returned {results:?}, expected the price of \
         each id in the order of the ids."
    );
    assert_eq!(calls, 5, "fetch was called {calls} times for 5 ids.");
    assert_no_leaked_tasks("fetch_all returned").await;
}
