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
//!   fails when the trait's futures must be `'static` ("hidden type captures
//!   lifetime", "lifetime may not live long enough": they cannot borrow
//!   `&self`), when the methods return a boxed future (`Pin<Box<dyn Future>>`:
//!   an `async fn` does not return one), or when `Remote`'s `impl` asks more
//!   of the storage it wraps than the trait needs (`Clone`, `Default`,
//!   `Debug`).
//!
//! These checks compile code, so they take a while. Nothing in them depends
//! on how your `src/lib.rs` is laid out.

#[test]
fn generic_code_can_spawn_calls_to_any_storage() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/compile_pass/*.rs");
}
