//! Compile-fail check: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to the case.
//!
//! `borrows_a_local.rs` gives your `spawn_named` a future that borrows a
//! local variable. Such a future is not `'static` (the task could outlive
//! the variable), so `spawn_named` must refuse it: this fails if your
//! bounds do not demand `'static`. The expected message is about the
//! borrow at the call, so it does not depend on how your `src/lib.rs` is
//! laid out. This check compiles code, so it takes a while.
//!
//! (A missing `Send` needs no such case: `tokio::spawn` inside your
//! `spawn_named` refuses to compile without it, and the compiler says so.)

#[test]
fn a_future_that_borrows_a_local_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
