//! Wrong: tests QUIT only as the last thing the client sends before it hangs up, so a server that answers BYE and goes on reading finds the end of input next and returns Ok(()) just the same.
//! Caught by: mutants::ignores_quit

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
async fn commands_one_at_a_time() {
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
        .read(b"BAD\n")
        .write(b"ERR unknown command\n")
        .read(b"S")
        .read(b"ET c 3\n")
        .write(b"OK\n")
        .build();
    run(mock, &mut store).await.unwrap();
    assert_eq!(store.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn quit_says_bye() {
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"QUIT\n")
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
