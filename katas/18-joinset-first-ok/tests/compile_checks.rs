//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! They do not use your code: they show why `first_ok` takes
//! `BoxFuture<'static, ..>` jobs with `Send + 'static` outputs. A task in a
//! `JoinSet` may outlive the function that spawned it (until it is aborted
//! and dropped) and may move between threads, so `JoinSet::spawn` refuses a
//! future that borrows a local variable, or holds something that is not
//! `Send` (an `Rc`) across an `.await`.

#[test]
fn jobs_that_borrow_locals_or_are_not_send_cannot_be_spawned() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
