//! Wrong: every script sends all its commands in one read and expects all the replies after it, so the client never waits for a reply before its next command, and a server that flushes only when the session ends gets through.
//! Caught by: mutants::flushes_only_at_the_end

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use tokio::time::timeout;
use tokio_test::io::{Builder, Mock};

type Store = HashMap<String, String>;

/// Runs serve on the mock under a one-minute (virtual) guard.
async fn run(mock: Mock, store: &mut Store) -> io::Result<()> {
    timeout(Duration::from_secs(60), serve(mock, store))
        .await
        .expect("serve never returned")
}

#[tokio::test(start_paused = true)]
async fn commands_and_replies() {
    let mut store = Store::new();
    let mock = Builder::new()
        .read(b"SET a 1\nGET a\nGET b\nDEL a\nGET a\nDEL a\n")
        .write(b"OK\nVALUE 1\nNIL\nDELETED\nNIL\nNIL\n")
        .build();
    run(mock, &mut store).await.unwrap();
    assert!(store.is_empty());
}

#[tokio::test(start_paused = true)]
async fn bad_commands() {
    let mut store = Store::new();
    let mock = Builder::new()
        .read(b"NOPE\nSET a\nSET a 1\n")
        .write(b"ERR unknown command\nERR unknown command\nOK\n")
        .build();
    run(mock, &mut store).await.unwrap();
    assert_eq!(store.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn quit() {
    let mut store = Store::new();
    let mock = Builder::new()
        .read(b"SET a 1\nQUIT\nSET b 2\n")
        .write(b"OK\nBYE\n")
        .build();
    run(mock, &mut store).await.unwrap();
    assert_eq!(store.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn split_lines() {
    let mock = Builder::new()
        .read(b"SET a")
        .read(b" 1\nGE")
        .read(b"T a\n")
        .write(b"OK\nVALUE 1\n")
        .build();
    run(mock, &mut Store::new()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn read_error() {
    let mock = Builder::new()
        .read(b"GET a\n")
        .read_error(io::Error::other("reset"))
        .write(b"NIL\n")
        .build();
    assert!(run(mock, &mut Store::new()).await.is_err());
}
