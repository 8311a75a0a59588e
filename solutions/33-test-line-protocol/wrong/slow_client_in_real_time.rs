//! Wrong: plays a slow client with `.wait(3s)` on the real clock (no `start_paused`), so the test really waits 3 s; the grader stops it after 2 s.
//! Caught by: yours::a_slow_client_is_answered

use std::collections::HashMap;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use tokio_test::io::Builder;

#[tokio::test]
async fn a_slow_client_is_answered() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .wait(Duration::from_secs(3))
        .read(b"GET a\n")
        .write(b"VALUE 1\n")
        .build();
    serve(mock, &mut store).await.unwrap();
}
