//! Compile-fail check: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to it.
//!
//! The case puts this kata's `Cache` behind a wrapper that holds a
//! `std::sync::MutexGuard` across `get_or_load(..).await`: the wrapper's
//! future is not `Send`, so `tokio::spawn` refuses it, and the compiler's
//! message names that guard and nothing else. If your `get_or_load` future
//! is not `Send` either, the compiler names your code too, and the message
//! no longer matches: `tests/spawnable.rs` then says what to fix.

#[test]
fn a_std_mutex_guard_held_across_await_is_not_send() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
