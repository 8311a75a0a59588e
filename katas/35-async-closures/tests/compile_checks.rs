//! Compile checks: code a caller of your functions writes, which must
//! compile against your signatures (and then run correctly).
//!
//! Each file in `tests/compile_pass/` is a small program that passes your
//! `retry` or `map_concurrently` an async closure that *borrows*: from its
//! caller (a client, a database, a log it pushes to) and, for
//! `map_concurrently`, from the item it is given. trybuild compiles each
//! one and runs it. When one fails, trybuild prints the compiler's error:
//!
//! - "async closure does not implement `FnMut` because it captures state
//!   from its environment", "one type is more general than the other"
//!   (about an `async` closure body) or "implementation of `Fn` is not
//!   general enough": your bound is the old
//!   `F: FnMut(X) -> Fut, Fut: Future`, which cannot describe a future that
//!   borrows from the closure or from its argument. Use `AsyncFnMut` or
//!   `AsyncFn`.
//! - "cannot borrow ... as mutable, as it is a captured variable in a `Fn`
//!   closure": `retry` asks for `AsyncFn`, but its callers' closures change
//!   what they captured. `retry` calls one attempt at a time: `AsyncFnMut`.
//! - "cannot be sent between threads safely", "cannot be shared between
//!   threads safely", "does not live long enough", "doesn't implement
//!   `Debug`": your bounds ask for `Send`, `Sync`, `'static` or `Debug`,
//!   which neither function needs (nothing is spawned).
//!
//! These checks compile code, so they take a while. Nothing in them
//! depends on how your `src/lib.rs` is laid out.

#[test]
fn callers_can_pass_async_closures_that_borrow() {
    // trybuild panics when a case fails; caught here (quietly) so that the
    // learner reads what it usually means first, then trybuild's report.
    let outcome = kata_support::catch_panic(|| {
        let cases = trybuild::TestCases::new();
        cases.pass("tests/compile_pass/*.rs");
    });
    if let Err(trybuild_says) = outcome {
        panic!(
            "A caller's program (in tests/compile_pass/, named below) did not compile against \
             your signatures, or did not run correctly ({trybuild_says}). If the compiler says \
             \"async closure does not implement `FnMut` because it captures state from its \
             environment\", \"one type is more general than the other\" or \"implementation \
             of `Fn` is not general enough\", your bound is the \
             old `F: FnMut(X) -> Fut, Fut: Future`: take `AsyncFnMut` / `AsyncFn` instead. \
             \"cannot borrow .. as mutable, as it is a captured variable in a `Fn` closure\": \
             `retry` asks for `AsyncFn`, but one attempt at a time needs only `AsyncFnMut`. \
             \"cannot be sent / shared between threads safely\", \"does not live long \
             enough\": drop the `Send`, `Sync` or `'static` bounds, nothing is spawned. If it \
             compiled but failed at run time, the program's assertion says what it expected."
        );
    }
}
