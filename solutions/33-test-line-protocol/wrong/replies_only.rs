//! Wrong: checks every reply, including DEL's, but never looks at the key after a DEL (no GET after it, no look at the store), so a server that replies DELETED and keeps the key gets through.
//! Caught by: mutants::del_keeps_the_key

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
async fn replies() {
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"GET a\n")
        .write(b"VALUE 1\n")
        .read(b"GET b\n")
        .write(b"NIL\n")
        .read(b"DEL a\n")
        .write(b"DELETED\n")
        .read(b"DEL b\n")
        .write(b"NIL\n")
        .read(b"NOPE\n")
        .write(b"ERR unknown command\n")
        .read(b"S")
        .read(b"ET c 3\n")
        .write(b"OK\n")
        .build();
    run(mock, &mut Store::new()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn quit_ends_the_session() {
    let mock = Builder::new()
        .read(b"QUIT\nGET a\n")
        .write(b"BYE\n")
        .build();
    run(mock, &mut Store::new()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn read_error() {
    let mock = Builder::new()
        .read(b"GET a\n")
        .write(b"NIL\n")
        .read_error(io::Error::other("reset"))
        .build();
    assert!(run(mock, &mut Store::new()).await.is_err());
}
