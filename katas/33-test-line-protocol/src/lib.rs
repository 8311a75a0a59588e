//! Kata 33: your tests for `serve`, a line protocol.
//!
//! This file is yours: it is an integration-test file (cargo builds it as
//! the test target `yours`), and the function it tests, in
//! `subject/lib.rs`, is the course's, correct. Read README.md for its
//! contract and for how `tokio_test::io::Builder` plays a client, then
//! replace each `todo!()` with a test, and add tests of your own.
//!
//! The grader runs your tests against the real `serve` (every test must
//! pass), then against versions of it with one bug each (on every one of
//! them, at least one test must fail). Each test has 2 s of real time: run
//! them on tokio's paused clock.
//!
//! Run them yourself with `cargo test -p kata-33-test-line-protocol --test yours`.

// What you will likely need (uncomment as you go):
// use std::collections::HashMap;
// use std::io;
// use std::time::Duration;
// use kata_33_test_line_protocol::serve;
// use tokio::time::timeout;
// use tokio_test::io::Builder;

#[tokio::test(start_paused = true)]
async fn each_command_gets_its_reply_before_the_next_is_sent() {
    // A client that sends SET, GET, DEL... one command at a time, and waits
    // for each reply before it sends the next (a `.write` between the
    // `.read`s of the script). Which exact replies? What is in the store at
    // the end? Guard the call with a timeout: a reply that is never flushed
    // makes serve wait forever.
    todo!("write this test: a scripted client, the exact replies, the store afterwards")
}

#[tokio::test(start_paused = true)]
async fn bad_commands_get_an_error_and_the_session_goes_on() {
    // Unknown words, wrong numbers of words, lowercase, an empty line: each
    // gets `ERR unknown command`, and then?
    todo!("write this test: bad lines, then a good command that must still be answered")
}

#[tokio::test(start_paused = true)]
async fn quit_says_bye_and_reads_no_further() {
    // QUIT ends the session: what if the client sent more after it, or
    // stays connected?
    todo!("write this test: QUIT with more commands behind it; what runs, what is answered")
}
