//! Wrong: scripts a command after QUIT in a read of its own, which the correct server never reads: the mock is dropped with "still data left to read" and the test fails on the correct implementation.
//! Caught by: yours::quit_ends_the_session

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
async fn quit_ends_the_session() {
    let mut store = Store::new();
    let mock = Builder::new()
        .read(b"QUIT\n")
        .write(b"BYE\n")
        .read(b"SET a 1\n")
        .build();
    run(mock, &mut store).await.unwrap();
    assert!(store.is_empty());
}
