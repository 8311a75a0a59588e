//! Wrong: thorough about replies, QUIT, split lines and errors, but every line is tidy (single spaces, a plain `\n`, no tab, no CRLF), so a server that splits lines on single spaces, and takes a `\r` or a tab as part of a word, gets through.
//! Caught by: mutants::words_split_on_single_spaces

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::time::{Instant, timeout};
use tokio_test::io::{Builder, Mock};

/// Runs one session on `mock` with a one-day guard; returns what serve
/// returned and the virtual milliseconds it took.
async fn session(mock: Mock, store: &mut HashMap<String, String>) -> (io::Result<()>, u128) {
    let start = Instant::now();
    let result = timeout(Duration::from_secs(86_400), serve(mock, store))
        .await
        .expect("serve hung: a reply was never flushed, or it kept waiting for input");
    (result, start.elapsed().as_millis())
}

fn store_of(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test(start_paused = true)]
async fn a_polite_client_sees_every_reply_in_turn() {
    let mock = Builder::new()
        .name("one-command-at-a-time client")
        .read(b"GET fruit\n")
        .write(b"NIL\n")
        .read(b"SET fruit apple\n")
        .write(b"OK\n")
        .read(b"GET fruit\n")
        .write(b"VALUE apple\n")
        .read(b"SET veg leek\n")
        .write(b"OK\n")
        .read(b"DEL fruit\n")
        .write(b"DELETED\n")
        .read(b"GET fruit\n")
        .write(b"NIL\n")
        .read(b"DEL fruit\n")
        .write(b"NIL\n")
        .build();
    let mut store = HashMap::new();
    let (result, ms) = session(mock, &mut store).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(ms, 0);
    assert_eq!(store, store_of(&[("veg", "leek")]));
}

#[tokio::test(start_paused = true)]
async fn del_really_removes_a_key_that_was_there_before() {
    let mut store = store_of(&[("a", "1"), ("b", "2")]);
    let mock = Builder::new()
        .read(b"DEL a\n")
        .write(b"DELETED\n")
        .build();
    let (result, _) = session(mock, &mut store).await;
    result.unwrap();
    assert_eq!(store, store_of(&[("b", "2")]));

    let mock = Builder::new().read(b"GET b\n").write(b"VALUE 2\n").read(b"GET a\n").write(b"NIL\n").build();
    session(mock, &mut store).await.0.unwrap();
}

#[tokio::test(start_paused = true)]
async fn nonsense_lines_get_err_and_change_nothing() {
    let bad: &[&[u8]] = &[
        b"HELLO\n",
        b"FROB k\n",
    ];
    let mut script = Builder::new();
    for line in bad {
        script.read(line).write(b"ERR unknown command\n");
    }
    script.read(b"GET k\n").write(b"VALUE original\n");
    script.read(b"SET j new\n").write(b"OK\n");
    let mock = script.build();
    drop(script);
    let mut store = store_of(&[("k", "original")]);
    let (result, _) = session(mock, &mut store).await;
    result.unwrap();
    assert_eq!(store, store_of(&[("k", "original"), ("j", "new")]));
}

#[tokio::test(start_paused = true)]
async fn quit_ends_the_session_even_with_commands_behind_it() {
    let mock = Builder::new()
        .read(b"SET x 1\n")
        .write(b"OK\n")
        .read(b"QUIT\nSET y 2\nDEL x\nGET x\n")
        .write(b"BYE\n")
        .build();
    let mut store = HashMap::new();
    let (result, ms) = session(mock, &mut store).await;
    result.unwrap();
    assert_eq!(ms, 0);
    assert_eq!(store, store_of(&[("x", "1")]), "commands after QUIT ran");
}

#[tokio::test(start_paused = true)]
async fn quit_does_not_wait_for_the_client_to_hang_up() {
    let mock = Builder::new()
        .read(b"QUIT\n")
        .write(b"BYE\n")
        .wait(Duration::from_secs(5000))
        .build();
    let mut store = HashMap::new();
    let (result, ms) = session(mock, &mut store).await;
    result.unwrap();
    assert_eq!(ms, 0, "serve should return right after BYE, not when the client leaves");
}

#[tokio::test(start_paused = true)]
async fn lines_cut_anywhere_are_put_back_together() {
    let mock = Builder::new()
        .read(b"S")
        .read(b"ET lo")
        .read(b"ng-key ")
        .read(b"v")
        .read(b"alue\n")
        .write(b"OK\n")
        .read(b"GET long-key\nGE")
        .write(b"VALUE value\n")
        .read(b"T nope\nDEL long-key\nGET long-key\n")
        .write(b"NIL\nDELETED\n")
        .write(b"NIL\n")
        .read(b"GET long-")
        .read(b"key")
        .read(b"\n")
        .write(b"NIL\n")
        .build();
    let mut store = HashMap::new();
    let (result, _) = session(mock, &mut store).await;
    result.unwrap();
    assert!(store.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_slow_client_is_waited_for_and_hanging_up_is_ok() {
    let mock = Builder::new()
        .wait(Duration::from_secs(3))
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .wait(Duration::from_secs(7))
        .read(b"GET a\n")
        .write(b"VALUE 1\n")
        .build();
    let mut store = HashMap::new();
    let (result, ms) = session(mock, &mut store).await;
    result.unwrap();
    assert_eq!(ms, 10_000);
}

#[tokio::test(start_paused = true)]
async fn an_empty_session_is_fine() {
    let mut store = store_of(&[("k", "v")]);
    let (result, ms) = session(Builder::new().build(), &mut store).await;
    result.unwrap();
    assert_eq!(ms, 0);
    assert_eq!(store, store_of(&[("k", "v")]));
}

#[tokio::test(start_paused = true)]
async fn a_read_error_is_returned_as_is() {
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"SET b")
        .read_error(io::Error::new(io::ErrorKind::ConnectionReset, "peer reset"))
        .build();
    let mut store = HashMap::new();
    let (result, _) = session(mock, &mut store).await;
    let err = result.expect_err("a read error must end the session with it");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
    assert_eq!(err.to_string(), "peer reset");
    assert_eq!(store, store_of(&[("a", "1")]));
}

#[tokio::test(start_paused = true)]
async fn a_read_error_as_the_first_thing() {
    let mock = Builder::new()
        .read_error(io::Error::new(io::ErrorKind::TimedOut, "slow"))
        .build();
    let mut store = HashMap::new();
    let err = session(mock, &mut store).await.0.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
}

#[tokio::test(start_paused = true)]
async fn a_write_error_is_returned_as_is() {
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write_error(io::Error::new(io::ErrorKind::BrokenPipe, "gone"))
        .build();
    let mut store = HashMap::new();
    let err = session(mock, &mut store).await.0.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    assert_eq!(err.to_string(), "gone");
}

#[tokio::test(start_paused = true)]
async fn bytes_that_are_not_utf8_are_invalid_data() {
    let mock = Builder::new()
        .read(b"GET k\n")
        .write(b"NIL\n")
        .read(b"SET k \xff\xfe\n")
        .build();
    let mut store = HashMap::new();
    let err = session(mock, &mut store).await.0.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(store.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_live_client_over_a_duplex_pipe() {
    let (client, server) = tokio::io::duplex(64);
    let mut store = HashMap::new();
    let client_side = async move {
        let (rd, mut wr) = tokio::io::split(client);
        let mut rd = BufReader::new(rd);
        let mut said = Vec::new();
        for cmd in ["SET k v", "GET k", "BOGUS", "DEL k", "GET k", "QUIT"] {
            wr.write_all(format!("{cmd}\n").as_bytes()).await.unwrap();
            let mut reply = String::new();
            rd.read_line(&mut reply).await.unwrap();
            said.push(reply);
        }
        // still connected; the server must have closed its end after BYE
        let mut rest = String::new();
        let n = rd.read_line(&mut rest).await.unwrap();
        assert_eq!(n, 0, "server kept the connection after BYE");
        said
    };
    let (served, said) = timeout(Duration::from_secs(60), async {
        tokio::join!(serve(server, &mut store), client_side)
    })
    .await
    .expect("the conversation hung");
    served.unwrap();
    assert_eq!(said, ["OK\n", "VALUE v\n", "ERR unknown command\n", "DELETED\n", "NIL\n", "BYE\n"]);
    assert!(store.is_empty());
}
