//! `block_on_current` takes any future, including one that borrows the
//! caller's locals and holds a value that is not `Send`.
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
use std::thread;

use kata_02_runtime_by_hand::block_on_current;
use kata_support::{catch_panic, ms};

#[test]
fn a_future_that_borrows_locals_and_holds_an_rc_runs() {
    let words: Vec<String> = ["tokio", "runs", "futures"].map(String::from).to_vec();
    let shared = Rc::new(100);
    let caller = thread::current().id();
    let outcome = catch_panic(|| {
        block_on_current(async {
            // `shared` (an Rc, not Send) and `words` (borrowed) are both
            // used across the .await below.
            tokio::time::pause();
            tokio::time::sleep(ms(83)).await;
            (words.len() + *shared, thread::current().id())
        })
    });
    let (output, ran_on) = outcome.unwrap_or_else(|message| {
        panic!(
            "block_on_current(a future that borrows locals, holds an Rc and sleeps) \
             panicked:\n    {message}\nBuild a current-thread runtime with time and I/O \
             enabled, and return `runtime.block_on(f)`."
        )
    });
    assert_eq!(
        output, 103,
        "block_on_current(async {{ words.len() + *shared }}) returned {output}, expected \
         103: block_on_current must return the future's own output."
    );
    assert_eq!(
        ran_on, caller,
        "the future given to block_on_current ran on another thread than the caller's."
    );
}
