//! Wrong: expects `ERR` where the contract says `ERR unknown command`: the mock panics at the first byte it did not expect, on the correct implementation.
//! Caught by: yours::bad_commands_get_an_error

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
async fn bad_commands_get_an_error() {
    let mock = Builder::new()
        .read(b"NOPE\n")
        .write(b"ERR\n")
        .read(b"GET a\n")
        .write(b"NIL\n")
        .build();
    run(mock, &mut Store::new()).await.unwrap();
}
