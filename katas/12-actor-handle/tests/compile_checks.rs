//! Compile-fail checks: code that must NOT compile, with the compiler's
//! expected message pinned in the `.stderr` file next to each case.
//!
//! They show why the actor *owns* its state instead of sharing it. Sharing
//! a mutable counter between tasks needs a type that is safe to use from
//! several threads at once: `Rc<RefCell<..>>` is not (`tokio::spawn`
//! refuses it), and neither is `Arc<RefCell<..>>`. An actor needs neither:
//! the count never leaves its task; only messages travel.
//!
//! The cases do not use your code, so they pass whatever it looks like.

#[test]
fn sharing_a_counter_between_tasks_without_an_actor_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
