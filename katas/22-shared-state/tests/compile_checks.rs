//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! The case uses this kata's `Db` through its public API only (`Db::new`,
//! `get`, `set`, `write_reply`), so it does not depend on how your
//! `src/lib.rs` is laid out. It shows what the `Db` design protects you
//! from: a `std::sync::MutexGuard` held across an `.await` makes the future
//! non-`Send`, and `tokio::spawn` refuses it.

#[test]
fn a_std_mutex_guard_held_across_await_does_not_compile_in_spawn() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
