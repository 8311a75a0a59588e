//! Wrong: relies on the mock to check everything and ignores what serve returns (`let _ = serve(..)`): the mock checks the bytes, not the result, so a server that turns a read error into Ok(()) gets through.
//! Caught by: mutants::read_error_is_a_clean_end

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
async fn a_whole_session() {
    let mut store = Store::new();
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"GE")
        .read(b"T a\n")
        .write(b"VALUE 1\n")
        .read(b"GET b\n")
        .write(b"NIL\n")
        .read(b"NOPE\n")
        .write(b"ERR unknown command\n")
        .read(b"DEL a\n")
        .write(b"DELETED\n")
        .read(b"GET a\n")
        .write(b"NIL\n")
        .read(b"QUIT\nSET z 0\n")
        .write(b"BYE\n")
        .build();
    let _ = run(mock, &mut store).await;
    assert!(store.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_read_error() {
    let mock = Builder::new()
        .read(b"GET a\n")
        .write(b"NIL\n")
        .read_error(io::Error::other("reset"))
        .build();
    let _ = run(mock, &mut Store::new()).await;
}
