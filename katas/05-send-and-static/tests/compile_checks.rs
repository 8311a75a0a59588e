//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! - `rc_held_across_await.rs`: a task that keeps an `Rc` across an
//!   `.await` is not `Send`; `tokio::spawn` (which your `spawn_named` calls)
//!   refuses it.
//! - `borrows_a_local.rs`: a future that borrows a local variable is not
//!   `'static`, so `spawn_named` must refuse it. This one goes through your
//!   `spawn_named`: it fails if your bounds are missing `'static`.
//!
//! The expected messages do not depend on how your `src/lib.rs` is laid
//! out. This check compiles code, so it takes a while.

#[test]
fn non_send_and_borrowing_futures_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
