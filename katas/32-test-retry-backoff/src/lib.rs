//! Kata 32: your tests for `retry_with_backoff`.
//!
//! This file is yours: it is an integration-test file (cargo builds it as
//! the test target `yours`), and the function it tests, in
//! `subject/lib.rs`, is the course's, correct. Read README.md for its
//! contract, then replace each `todo!()` with a test, and add tests of your
//! own.
//!
//! The grader runs your tests against the real `retry_with_backoff` (every
//! test must pass), then against versions of it with one bug each (on every
//! one of them, at least one test must fail). Each test has 2 s of real
//! time: run them on tokio's paused clock, where waits cost nothing and
//! every instant is exact.
//!
//! Run them yourself with `cargo test -p kata-32-test-retry-backoff --test yours`.

// What you will likely need (uncomment as you go):
// use std::time::Duration;
// use kata_32_test_retry_backoff::retry_with_backoff;
// use tokio::time::{sleep, timeout, Instant};

#[tokio::test(start_paused = true)]
async fn every_attempt_fails_on_a_doubling_schedule() {
    // An op that always fails at once, 6 attempts, a first delay of 100 ms:
    // at which virtual instant does each attempt start (0, then?), which
    // error comes back, and at which instant does the call return?
    todo!(
        "write this test: the start time of every attempt, the error returned, the time it returns"
    )
}

#[tokio::test(start_paused = true)]
async fn each_wait_is_counted_from_the_failure() {
    // Attempts that take time (irregular times, some longer than the wait
    // that follows them): is each wait counted from the moment the attempt
    // failed?
    todo!("write this test: attempts that take 317 ms, 45 ms, ...; when does each one start?")
}

#[tokio::test(start_paused = true)]
async fn a_success_is_returned_at_once() {
    // An op that succeeds on its first attempt, and one that succeeds on
    // its 3rd: what is returned, when, and is the op called again after?
    todo!("write this test: the value, the virtual time it comes back, how many attempts were made")
}
