//! Kata 34: your tests for the worker's clean shutdown.
//!
//! This file is yours: it is an integration-test file (cargo builds it as
//! the test target `yours`), and the worker it tests, in `subject/lib.rs`,
//! is the course's, correct. Read README.md for its contract, then replace
//! each `todo!()` with a test, and add tests of your own.
//!
//! The grader runs your tests against the real worker (every test must
//! pass), then against versions of it with one bug each (on every one of
//! them, at least one test must fail). Each test has 2 s of real time: run
//! them on tokio's paused clock.
//!
//! Run them yourself with `cargo test -p kata-34-test-clean-shutdown --test yours`.

// What you will likely need (uncomment as you go):
// use std::sync::{Arc, Mutex};
// use std::time::Duration;
// use kata_34_test_clean_shutdown::{start, Closed};
// use tokio::time::{sleep, timeout, Instant};

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_the_running_job_then_the_queue_in_order() {
    // Submit jobs that log when they start and end (unequal, irregular
    // times), call shutdown while one runs and others are queued: which
    // jobs ran, when, and at which virtual instant did shutdown return?
    // Is any task still alive after it returned?
    todo!("write this test: the log of every job, the instant shutdown returns, no task left")
}

#[tokio::test(start_paused = true)]
async fn shutdown_refuses_new_jobs_at_once() {
    // Once shutdown has begun, what happens to a submit that was waiting
    // for room, and to one made while the last jobs still run? Run them
    // together with shutdown (tokio::join!).
    todo!("write this test: submits during the shutdown, and which jobs ran")
}

#[tokio::test(start_paused = true)]
async fn dropping_the_worker_stops_it_once_its_jobs_are_done() {
    // Drop the Worker without calling shutdown, keep a Submitter: does the
    // worker still take jobs? Does it finish the ones it accepted? Is its
    // task gone once they are done?
    todo!("write this test: drop the Worker, then check submits, the log and the live tasks")
}
