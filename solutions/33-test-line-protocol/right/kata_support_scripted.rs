//! Right: kata-support's `scripted` runs `serve` on the mock (rejoined from its two halves with `tokio::io::join`) and explains hangs and script failures; each test compares everything the client received as one string, then the result and the store.

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use kata_support::{scripted, Stopwatch};
use tokio_test::io::Builder;

/// Runs `serve` on `mock` with `store`; returns its result and everything
/// the client received, after checking that it is `expected_back`.
async fn run(
    what: &str,
    mock: tokio_test::io::Mock,
    expected_back: &str,
    store: &mut HashMap<String, String>,
) -> io::Result<()> {
    let (result, got) = scripted(what, mock, expected_back, move |reader, writer| {
        serve(tokio::io::join(reader, writer), store)
    })
    .await;
    assert_eq!(got, expected_back, "{what}: what the client received");
    result
}

#[tokio::test(start_paused = true)]
async fn a_conversation_one_command_at_a_time() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"GET x\n")
        .write(b"NIL\n")
        .read(b"SET x 10\n")
        .write(b"OK\n")
        .read(b"SET x 11\n")
        .write(b"OK\n")
        .read(b"GET x\n")
        .write(b"VALUE 11\n")
        .read(b"DEL x\n")
        .write(b"DELETED\n")
        .read(b"GET x\n")
        .write(b"NIL\n")
        .build();
    let result = run(
        "get, set twice, get, del, get",
        mock,
        "NIL\nOK\nOK\nVALUE 11\nDELETED\nNIL\n",
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{result:?}");
    assert!(store.is_empty(), "x was deleted: {store:?}");
}

#[tokio::test(start_paused = true)]
async fn errors_do_not_end_the_session() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"DEL\n")
        .write(b"ERR unknown command\n")
        .read(b"SET a b c\n")
        .write(b"ERR unknown command\n")
        .read(b"GET a\n")
        .write(b"NIL\n")
        .build();
    let result = run(
        "two bad commands, then a GET",
        mock,
        "ERR unknown command\nERR unknown command\nNIL\n",
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test(start_paused = true)]
async fn quit_ends_it_and_later_commands_are_ignored() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"QUIT\nSET late 1\n")
        .write(b"BYE\n")
        .build();
    let result = run("QUIT then SET in one write", mock, "BYE\n", &mut store).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(store.get("late"), None, "a command after QUIT ran");
}

#[tokio::test(start_paused = true)]
async fn quit_while_the_client_stays_connected() {
    let watch = Stopwatch::start();
    let mock = Builder::new()
        .read(b"SET k v\n")
        .write(b"OK\n")
        .read(b"QUIT\n")
        .write(b"BYE\n")
        .wait(Duration::from_secs(600))
        .build();
    let result = run(
        "QUIT, then 10 minutes connected",
        mock,
        "OK\nBYE\n",
        &mut HashMap::new(),
    )
    .await;
    assert!(result.is_ok(), "{result:?}");
    watch.assert_elapsed(
        Duration::ZERO,
        "a session ended by QUIT",
        "serve returns after BYE, without waiting for the client",
    );
}

#[tokio::test(start_paused = true)]
async fn pieces_of_lines() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"S")
        .read(b"ET key va")
        .read(b"lue\n")
        .write(b"OK\n")
        .read(b"GET key\nG")
        .read(b"ET nope\n")
        .write(b"VALUE value\nNIL\n")
        .build();
    let result = run(
        "lines cut at random places",
        mock,
        "OK\nVALUE value\nNIL\n",
        &mut store,
    )
    .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(store.get("key").map(String::as_str), Some("value"));
}

#[tokio::test(start_paused = true)]
async fn read_error_propagates() {
    let mock = Builder::new()
        .read(b"GET a\n")
        .write(b"NIL\n")
        .read_error(io::Error::new(io::ErrorKind::BrokenPipe, "gone"))
        .build();
    let result = run("a read error", mock, "NIL\n", &mut HashMap::new()).await;
    assert_eq!(
        result.map_err(|e| e.kind()),
        Err(io::ErrorKind::BrokenPipe),
        "serve must return the read error"
    );
}

#[tokio::test(start_paused = true)]
async fn write_error_propagates() {
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write_error(io::Error::new(io::ErrorKind::ConnectionAborted, "aborted"))
        .build();
    let result = run("a write error", mock, "", &mut HashMap::new()).await;
    assert_eq!(
        result.map_err(|e| e.kind()),
        Err(io::ErrorKind::ConnectionAborted),
        "serve must return the write error"
    );
}

#[tokio::test(start_paused = true)]
async fn not_utf8_is_invalid_data() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"GET \x80\n")
        .build();
    let result = run("a GET of bytes that are not UTF-8", mock, "OK\n", &mut store).await;
    assert_eq!(
        result.map_err(|e| e.kind()),
        Err(io::ErrorKind::InvalidData),
        "serve must end with InvalidData"
    );
}

#[tokio::test(start_paused = true)]
async fn tabs_double_spaces_and_crlf() {
    let mut store = HashMap::new();
    let mock = Builder::new()
        .read(b"SET  x\t42\r\n")
        .write(b"OK\n")
        .read(b"GET\tx\r\n")
        .write(b"VALUE 42\n")
        .build();
    let result = run("CRLF lines, tabs and double spaces", mock, "OK\nVALUE 42\n", &mut store).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(store.get("x").map(String::as_str), Some("42"));
}
