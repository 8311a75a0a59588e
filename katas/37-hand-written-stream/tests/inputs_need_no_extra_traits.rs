//! Must compile: `Batches` takes any stream, with no more bounds than
//! `S: Stream`.
//!
//! The inner stream here is built with `stream::unfold` from an `async`
//! block (so it is not `Unpin`), holds an `Rc` (not `Send`) and borrows a
//! local list (not `'static`); its items hold an `Rc` and derive nothing
//! (not `Clone`, `Debug`, `Send` or `Default`). If this file does not
//! compile, your `Batches` asks for a bound it does not need: `S: Unpin`
//! (project the pin with `pin_project!`, or keep the stream in a
//! `Pin<Box<S>>`), `Send` or `'static` (nothing needs to be spawned: the
//! inner stream is polled from `poll_next`), or a trait on the items (a
//! batch only moves them into a `Vec`).

use std::rc::Rc;

use futures::{StreamExt, stream};
use kata_37_hand_written_stream::Batches;
use kata_support::{assert_no_leaked_tasks, ms, no_hang, no_spin};

/// An item with no traits at all.
struct Row {
    name: Rc<String>,
}

#[tokio::test(start_paused = true)]
async fn an_inner_stream_with_no_other_traits_is_accepted() {
    let names: Vec<String> = ["ada", "bob", "cy", "dee", "eve"]
        .into_iter()
        .map(String::from)
        .collect();
    let owner = Rc::new("the caller");
    let inner = stream::unfold(0usize, |i| {
        let names = &names;
        let owner = owner.clone();
        async move {
            // 7ms, 20ms, 33ms, 7ms, 20ms, then the end after 33ms more.
            tokio::time::sleep(ms(13 * (i as u64 % 3) + 7)).await;
            let _still_here = owner;
            let name = names.get(i)?;
            Some((
                Row {
                    name: Rc::new(name.clone()),
                },
                i + 1,
            ))
        }
    });
    let what = "Batches::new(an unfold stream that is neither Unpin, Send nor 'static, \
                max_items 2, max_wait 19ms)";
    let batches = Batches::new(inner, 2, ms(19));
    let got: Vec<Vec<String>> = no_hang(
        what,
        no_spin(
            what,
            batches
                .map(|batch| batch.into_iter().map(|row| (*row.name).clone()).collect())
                .collect(),
        ),
    )
    .await;
    // ada at 7ms, alone at its deadline (26ms); bob at 27ms, alone at 46ms;
    // cy at 60ms and dee at 67ms fill a batch; eve at 87ms, alone at 106ms;
    // the end at 120ms.
    assert_eq!(
        got,
        [
            vec!["ada".to_string()],
            vec!["bob".to_string()],
            vec!["cy".to_string(), "dee".to_string()],
            vec!["eve".to_string()],
        ],
        "{what}: the batches of names"
    );
    assert_no_leaked_tasks("the batches ended").await;
}
