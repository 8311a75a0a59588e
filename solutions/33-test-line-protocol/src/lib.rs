//! Tests for `serve` (kata 33): the reference tests.
//!
//! Each test plays a client with `tokio_test::io::Builder`: `.read(b"..")`
//! is what the client sends (one read each), `.write(b"..")` what it
//! expects back, in order. The mock panics when `serve` writes anything
//! else, and when it is dropped with part of its script not done ("still
//! data left to read/write"). A `.write` between two `.read`s makes the
//! client wait for that reply before it sends more: an unflushed reply
//! leaves `serve` waiting for input that never comes, which the guard in
//! `session` turns into a failure in microseconds of the paused clock.
//!
//! | what could be wrong | the test that sees it |
//! |---|---|
//! | a wrong reply (`VALUE ` for a missing key), DEL that keeps the key | `each_command_gets_its_reply_before_the_next_is_sent` |
//! | replies not flushed until the end | `each_command_gets_its_reply_before_the_next_is_sent` (hangs) |
//! | only the first command answered | `each_command_gets_its_reply_before_the_next_is_sent` |
//! | the session ends at a bad command | `bad_commands_get_an_error_and_the_session_goes_on` |
//! | QUIT answered but the session goes on | `quit_says_bye_and_reads_no_further`, `quit_does_not_wait_for_the_client_to_hang_up` |
//! | a read taken as whole lines | `a_command_split_across_reads_is_one_command` |
//! | a read error taken for the end of the session | `a_read_error_ends_the_session_with_that_error` |
//! | a write error ignored | `a_write_error_ends_the_session_with_that_error` |
//! | a line that is not UTF-8 decoded lossily and answered | `a_line_that_is_not_utf8_ends_the_session` |
//! | words split on single spaces (tabs, `\r` taken as part of a word) | `tabs_runs_of_spaces_and_crlf_separate_words` |

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use tokio::time::{timeout, Instant};
use tokio_test::io::Builder;

type Store = HashMap<String, String>;

/// Runs `serve` on the client `script` until the session ends. If it is
/// still running after a minute of virtual time, the test fails with an
/// explanation (the mock is dropped only then, while the test unwinds, so
/// its own complaints do not hide ours).
async fn session(what: &str, script: &mut Builder, store: &mut Store) -> io::Result<()> {
    let mock = script.name(what).build();
    // The Builder keeps a copy of the script, `read_error`'s error included,
    // and the mock can only hand that error out if it holds the only copy.
    *script = Builder::new();
    let mut call = std::pin::pin!(serve(mock, store));
    match timeout(Duration::from_secs(60), call.as_mut()).await {
        Ok(result) => result,
        Err(_) => panic!(
            "{what}: serve was still running after a minute of virtual time. The client \
             waits for each reply before it sends its next command: was a reply left \
             unflushed, or is serve waiting for input after the session should have ended?"
        ),
    }
}

fn store_of(entries: &[(&str, &str)]) -> Store {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn each_command_gets_its_reply_before_the_next_is_sent() {
    let what = "a client that sends SET, GET, GET of a missing key, DEL, GET, DEL, one at a time";
    let mut store = Store::new();
    let result = session(
        what,
        Builder::new()
            .read(b"SET color blue\n")
            .write(b"OK\n")
            .read(b"GET color\n")
            .write(b"VALUE blue\n")
            .read(b"GET size\n")
            .write(b"NIL\n")
            .read(b"DEL color\n")
            .write(b"DELETED\n")
            .read(b"GET color\n")
            .write(b"NIL\n")
            .read(b"DEL color\n")
            .write(b"NIL\n"),
        &mut store,
    )
    .await;
    assert!(
        result.is_ok(),
        "{what}: serve returned {result:?}, expected Ok(()) when the client hangs up"
    );
    assert_eq!(
        store,
        Store::new(),
        "{what}: the store should be empty after DEL"
    );
}

#[tokio::test(start_paused = true)]
async fn bad_commands_get_an_error_and_the_session_goes_on() {
    let what = "a client that sends HELLO, `SET k`, `get k`, an empty line, then `SET k v`";
    let error = b"ERR unknown command\n";
    let mut store = Store::new();
    let result = session(
        what,
        Builder::new()
            .read(b"HELLO\n")
            .write(error)
            .read(b"SET k\n")
            .write(error)
            .read(b"get k\n")
            .write(error)
            .read(b"\n")
            .write(error)
            .read(b"SET k v\n")
            .write(b"OK\n"),
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{what}: serve returned {result:?}");
    assert_eq!(
        store,
        store_of(&[("k", "v")]),
        "{what}: the SET after the errors should have been run"
    );
}

#[tokio::test(start_paused = true)]
async fn quit_says_bye_and_reads_no_further() {
    // Commands after QUIT, in the same read: serve has them in its buffer,
    // and must neither answer nor run them.
    let what = "a client that sends `SET a 1`, QUIT, `SET b 2` and `GET a` in one write";
    let mut store = Store::new();
    let result = session(
        what,
        Builder::new()
            .read(b"SET a 1\nQUIT\nSET b 2\nGET a\n")
            .write(b"OK\nBYE\n"),
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{what}: serve returned {result:?}");
    assert_eq!(
        store,
        store_of(&[("a", "1")]),
        "{what}: nothing after QUIT may run"
    );
}

#[tokio::test(start_paused = true)]
async fn quit_does_not_wait_for_the_client_to_hang_up() {
    // After BYE the client stays connected for an hour: the session is over
    // all the same.
    let what = "a client that sends QUIT and stays connected";
    let start = Instant::now();
    let result = session(
        what,
        Builder::new()
            .read(b"QUIT\n")
            .write(b"BYE\n")
            .wait(Duration::from_secs(3600)),
        &mut Store::new(),
    )
    .await;
    assert!(result.is_ok(), "{what}: serve returned {result:?}");
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "{what}: serve should return right after BYE, without reading any further"
    );
}

#[tokio::test(start_paused = true)]
async fn a_command_split_across_reads_is_one_command() {
    let what = "a client whose commands arrive in pieces: `SE` + `T k v\\n`, then `GET` + ` k` + \
                `\\nDEL k\\n`";
    let mut store = Store::new();
    let result = session(
        what,
        Builder::new()
            .read(b"SE")
            .read(b"T k v\n")
            .write(b"OK\n")
            .read(b"GET")
            .read(b" k")
            .read(b"\nDEL k\n")
            .write(b"VALUE v\nDELETED\n"),
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{what}: serve returned {result:?}");
    assert_eq!(store, Store::new(), "{what}");
}

#[tokio::test(start_paused = true)]
async fn a_read_error_ends_the_session_with_that_error() {
    let what = "a client that sends `SET a 1`, then whose connection is reset";
    let result = session(
        what,
        Builder::new()
            .read(b"SET a 1\n")
            .write(b"OK\n")
            .read_error(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection reset",
            )),
        &mut Store::new(),
    )
    .await;
    match result {
        Err(error) => assert_eq!(
            error.kind(),
            io::ErrorKind::ConnectionReset,
            "{what}: serve returned the wrong error: {error}"
        ),
        Ok(()) => panic!(
            "{what}: serve returned Ok(()), expected the read error: a failed read is not the \
             client hanging up"
        ),
    }
}

#[tokio::test(start_paused = true)]
async fn a_write_error_ends_the_session_with_that_error() {
    // Nothing after the failed write in the script: the correct server
    // reads no further.
    let what = "a client that sends `SET a 1`, then whose connection breaks as the reply is sent";
    let result = session(
        what,
        Builder::new()
            .read(b"SET a 1\n")
            .write_error(io::Error::new(io::ErrorKind::BrokenPipe, "broken pipe")),
        &mut Store::new(),
    )
    .await;
    match result {
        Err(error) => assert_eq!(
            error.kind(),
            io::ErrorKind::BrokenPipe,
            "{what}: serve returned the wrong error: {error}"
        ),
        Ok(()) => panic!(
            "{what}: serve returned Ok(()), expected the write error: a reply that could not \
             be sent ends the session with that error"
        ),
    }
}

#[tokio::test(start_paused = true)]
async fn a_line_that_is_not_utf8_ends_the_session() {
    let what = "a client that sends `GET k`, then `SET k ` and two bytes that are not UTF-8";
    let mut store = Store::new();
    let result = session(
        what,
        Builder::new()
            .read(b"GET k\n")
            .write(b"NIL\n")
            .read(b"SET k \xff\xfe\n"),
        &mut store,
    )
    .await;
    match result {
        Err(error) => assert_eq!(
            error.kind(),
            io::ErrorKind::InvalidData,
            "{what}: serve returned the wrong error: {error}"
        ),
        Ok(()) => panic!("{what}: serve returned Ok(()), expected an InvalidData error"),
    }
    assert_eq!(store, Store::new(), "{what}: the line that is not UTF-8 must not run");
}

#[tokio::test(start_paused = true)]
async fn tabs_runs_of_spaces_and_crlf_separate_words() {
    let what = "a client that sends `SET\\tk  v\\r\\n`, then `GET k\\r\\n` (CRLF line ends)";
    let mut store = Store::new();
    let result = session(
        what,
        Builder::new()
            .read(b"SET\tk  v\r\n")
            .write(b"OK\n")
            .read(b"GET k\r\n")
            .write(b"VALUE v\n"),
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{what}: serve returned {result:?}");
    assert_eq!(
        store,
        store_of(&[("k", "v")]),
        "{what}: whitespace (a tab, two spaces, the \\r) separates words and is not part of them"
    );
}
