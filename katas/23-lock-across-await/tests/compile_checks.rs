//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! They show why this kata's fix is not "use a `std::sync::Mutex` instead":
//! a `std::sync::MutexGuard` is not `Send`, so a future that holds one across
//! an `.await` cannot be given to `tokio::spawn`. The compiler refuses it,
//! which is exactly what you want: that future could deadlock the thread.

#[test]
fn a_std_mutex_guard_held_across_await_is_not_send() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
