//! Wrong: a batch client: each test sends all its commands, closes its side of the connection, and only then reads the replies, so it never waits for a reply before its next command, and a server that flushes only when the session ends gets through.
//! Caught by: mutants::flushes_only_at_the_end

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;
use tokio_test::io::Builder;

type Store = HashMap<String, String>;

/// Sends `input`, hangs up (its write side), runs the session, then reads
/// every reply.
async fn batch(input: &str, store: &mut Store) -> (io::Result<()>, String) {
    let (mut client, server) = tokio::io::duplex(4096);
    client.write_all(input.as_bytes()).await.unwrap();
    client.shutdown().await.unwrap();
    let result = timeout(Duration::from_secs(60), serve(server, store))
        .await
        .expect("serve never returned");
    let mut replies = String::new();
    client.read_to_string(&mut replies).await.unwrap();
    (result, replies)
}

#[tokio::test(start_paused = true)]
async fn commands_and_replies() {
    let mut store = Store::new();
    let (result, replies) = batch("SET a 1\nGET a\nGET b\nDEL a\nGET a\nDEL a\n", &mut store).await;
    assert!(result.is_ok());
    assert_eq!(replies, "OK\nVALUE 1\nNIL\nDELETED\nNIL\nNIL\n");
    assert!(store.is_empty());
}

#[tokio::test(start_paused = true)]
async fn bad_commands() {
    let mut store = Store::new();
    let (result, replies) = batch("NOPE\nSET a\nSET a 1\n", &mut store).await;
    assert!(result.is_ok());
    assert_eq!(replies, "ERR unknown command\nERR unknown command\nOK\n");
    assert_eq!(store.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn quit() {
    let mut store = Store::new();
    let (result, replies) = batch("SET a 1\nQUIT\nSET b 2\n", &mut store).await;
    assert!(result.is_ok());
    assert_eq!(replies, "OK\nBYE\n");
    assert_eq!(store.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn read_error() {
    let mock = Builder::new().read_error(io::Error::other("reset")).build();
    let result = serve(mock, &mut Store::new()).await;
    assert_eq!(result.map_err(|e| e.kind()), Err(io::ErrorKind::Other));
}
