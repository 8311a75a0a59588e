//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! The case uses this kata's `slow_hash` only, never your `hash_all_with`,
//! so it does not depend on how your `src/lib.rs` is written. It shows why
//! a `spawn_blocking` closure must own its data: the blocking task may
//! outlive the function that spawned it (it cannot be cancelled once it
//! runs), so the closure must be `'static`, and a borrow of the caller's
//! data is not.

#[test]
fn a_spawn_blocking_closure_cannot_borrow_its_input() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
