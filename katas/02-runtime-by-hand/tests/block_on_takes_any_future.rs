//! Must compile: `block_on_current` takes any future, including one that
//! borrows the caller's locals and holds a value that is not `Send`.
//!
//! `block_on` runs its future right here, on the calling thread, and
//! returns only once it is done: the future never moves to another thread
//! (so it need not be `Send`) and never outlives the caller's locals (so it
//! need not be `'static`). Unlike `tokio::spawn`, it asks for neither. If
//! this file does not compile ("cannot be sent between threads safely",
//! "borrowed value does not live long enough"), your `block_on_current`
//! asks for `Send` or `'static`: it must take `F: Future` and nothing more
//! (spawning `f` and blocking on its JoinHandle needs those bounds; block
//! on `f` itself).

use std::rc::Rc;

use kata_02_runtime_by_hand::block_on_current;

#[test]
fn a_future_that_borrows_locals_and_holds_an_rc_runs() {
    let words: Vec<String> = ["tokio", "runs", "futures"].map(String::from).to_vec();
    let shared = Rc::new(100);
    let output = block_on_current(async {
        tokio::task::yield_now().await;
        // `shared` (an Rc, not Send) and `words` (borrowed) are both used
        // across the .await above.
        words.len() + *shared
    });
    assert_eq!(
        output, 103,
        "block_on_current(async {{ words.len() + *shared }}) returned {output}, expected \
         103: block_on_current must return the future's own output."
    );
}
