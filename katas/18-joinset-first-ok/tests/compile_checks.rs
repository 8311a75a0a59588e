//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! Both cases call your `first_ok`: they check that it only takes jobs that
//! can be tasks. A task in a `JoinSet` may outlive the function that spawned
//! it (until it is aborted and dropped) and may move between threads, so a
//! job must not borrow a local variable (`'static`) and must not hold
//! something that is not `Send` (an `Rc`) across an `.await`: that is what
//! `BoxFuture<'static, ..>` in the signature says. If a case compiles, the
//! signature was loosened (jobs that borrow, `LocalBoxFuture`): keep the
//! one the stub gives. The expected messages do not depend on how your
//! `src/lib.rs` is laid out. This check compiles code, so it takes a while.

#[test]
fn jobs_that_borrow_locals_or_are_not_send_are_refused() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
