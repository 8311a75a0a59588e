//! Wrong: one conversation where every command is valid: nothing tests a bad command, so a server that ends the session at the first one gets through.
//! Caught by: mutants::stops_at_the_first_bad_command

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
async fn set_get_del() {
    let mut store = Store::new();
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"GET a\n")
        .write(b"VALUE 1\n")
        .read(b"GET b\n")
        .write(b"NIL\n")
        .read(b"DEL a\n")
        .write(b"DELETED\n")
        .read(b"GET a\n")
        .write(b"NIL\n")
        .build();
    run(mock, &mut store).await.unwrap();
    assert!(store.is_empty());
}
