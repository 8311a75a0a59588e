//! Wrong: every session sends one command and only ever reads keys that exist, so a server that answers only the first line of a session, or says "VALUE " for a missing key instead of NIL, gets through.
//! Caught by: mutants::answers_only_the_first_line, mutants::missing_key_is_an_empty_value

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
async fn set_stores_the_value() {
    let mut store = Store::new();
    let mock = Builder::new().read(b"SET a 1\n").write(b"OK\n").build();
    run(mock, &mut store).await.unwrap();
    assert_eq!(store.get("a").map(String::as_str), Some("1"));
}

#[tokio::test(start_paused = true)]
async fn get_reads_a_stored_value() {
    let mut store = Store::from([("a".to_string(), "7".to_string())]);
    let mock = Builder::new().read(b"GET a\n").write(b"VALUE 7\n").build();
    run(mock, &mut store).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn del_removes_a_stored_key() {
    let mut store = Store::from([("a".to_string(), "7".to_string())]);
    let mock = Builder::new().read(b"DEL a\n").write(b"DELETED\n").build();
    run(mock, &mut store).await.unwrap();
    assert!(store.is_empty());
}

#[tokio::test(start_paused = true)]
async fn quit_says_bye() {
    let mock = Builder::new().read(b"QUIT\n").write(b"BYE\n").build();
    run(mock, &mut Store::new()).await.unwrap();
}
