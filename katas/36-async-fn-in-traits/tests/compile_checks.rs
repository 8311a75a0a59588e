//! Compile checks: code the users of your `Storage` trait write, which must
//! compile against your trait (and then run correctly).
//!
//! - `tests/compile_pass/spawn_from_generic_code.rs` is generic over any
//!   `S: Storage + Send + Sync + 'static` and calls `get` and `put` inside
//!   `tokio::spawn`, and spawns `serve` itself. With a plain `async fn` in
//!   the trait, this fails with "future cannot be sent between threads
//!   safely": the trait does not promise that the futures of its methods
//!   are `Send`, so generic code cannot prove it, whatever the bounds on
//!   `S`. Declare each method as
//!   `fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send`.
//!   The same message about `serve` itself (a future holding something that
//!   is not `Send`, such as a `LocalSet`) means `serve` must not be built
//!   around `spawn_local`.
//! - `tests/compile_pass/implement_with_async_fn.rs` implements `Storage`
//!   for a type of its own with `async fn` methods that borrow `&self` and
//!   `key` across an `.await`, wraps it in your `Remote`, and serves it. It
//!   fails when the trait's futures must be `'static` ("the type `impl
//!   Future<..>` does not fulfill the required lifetime": they cannot borrow
//!   `&self`), when the methods return a boxed future (`Pin<Box<dyn Future>>`:
//!   an `async fn` does not return one), or when `Remote`'s `impl` asks more
//!   of the storage it wraps than the trait needs (`Clone`, `Default`,
//!   `Debug`).
//!
//! These checks compile code, so they take a while. Nothing in them depends
//! on how your `src/lib.rs` is laid out.

#[test]
fn generic_code_can_spawn_calls_to_any_storage() {
    // trybuild panics when a case fails; caught here (quietly) so that the
    // learner reads what it usually means first, then trybuild's report.
    let outcome = kata_support::catch_panic(|| {
        let cases = trybuild::TestCases::new();
        cases.pass("tests/compile_pass/*.rs");
    });
    if let Err(trybuild_says) = outcome {
        panic!(
            "A user's program (in tests/compile_pass/, named below) did not compile against \
             your Storage trait, or did not run correctly ({trybuild_says}). \"future cannot \
             be sent between threads safely\" with \"`<S as Storage>::get` is an `async fn` \
             in trait, which does not automatically imply that its future is `Send`\": declare \
             each method as `fn get(&self, key: &str) -> impl Future<Output = Option<String>> \
             + Send`. The same about `serve` itself: serve's own future must be Send (no \
             LocalSet in it). \"the type `impl Future<..>` does not fulfill the required lifetime\" \
             or \"method `get` has an incompatible type for trait\" about the \
             program's own `impl Storage`: an `async fn` borrowing `&self` must be able to \
             implement your trait, so no `+ 'static` and no boxed futures. If it compiled but \
             failed at run time, the program's assertion says what it expected."
        );
    }
}
