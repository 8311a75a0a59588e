//! Right: plain tokio and tokio-test: the test plays the client in code over `tokio::io::duplex` (send a command, wait for its reply under a timeout, pause between the pieces of a line), with `serve` and the client run together by `tokio::join!`; only the read and write errors use a `Builder` script.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::time::Duration;

use kata_33_test_line_protocol::serve;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::io::{ReadHalf, WriteHalf};
use tokio::time::{sleep, timeout};
use tokio_test::io::Builder;

/// The test's end of the connection.
struct Client {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
}

impl Client {
    async fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).await.unwrap();
    }

    /// The next reply line; a reply that does not come within a second of
    /// virtual time was never sent (or never flushed).
    async fn reply(&mut self) -> String {
        let mut line = String::new();
        timeout(Duration::from_secs(1), self.reader.read_line(&mut line))
            .await
            .expect("no reply within 1s: was it flushed?")
            .unwrap();
        line
    }

    async fn ask(&mut self, command: &str) -> String {
        self.send(command).await;
        self.reply().await
    }
}

/// Serves one session with the client `talk` plays; returns what `serve`
/// returned and the client (`talk` hands it back to stay connected, or
/// drops it to hang up).
async fn session<F, Fut>(store: &mut HashMap<String, String>, talk: F) -> io::Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Option<Client>>,
{
    let (client, server) = tokio::io::duplex(256);
    let (reader, writer) = tokio::io::split(client);
    let client = Client {
        reader: BufReader::new(reader),
        writer,
    };
    let (result, _still_connected) = timeout(Duration::from_secs(60), async {
        tokio::join!(serve(server, store), talk(client))
    })
    .await
    .expect("the session never ended");
    result
}

#[tokio::test(start_paused = true)]
async fn replies_to_every_command() {
    let mut store = HashMap::new();
    let result = session(&mut store, |mut c| async move {
        assert_eq!(c.ask("SET a 1\n").await, "OK\n");
        assert_eq!(c.ask("SET b 2\n").await, "OK\n");
        assert_eq!(c.ask("GET a\n").await, "VALUE 1\n");
        assert_eq!(c.ask("GET c\n").await, "NIL\n");
        assert_eq!(c.ask("DEL a\n").await, "DELETED\n");
        assert_eq!(c.ask("DEL a\n").await, "NIL\n");
        assert_eq!(c.ask("GET a\n").await, "NIL\n");
        None
    })
    .await;
    assert!(result.is_ok());
    assert_eq!(store, HashMap::from([("b".to_string(), "2".to_string())]));
}

#[tokio::test(start_paused = true)]
async fn unknown_commands_are_errors_and_the_client_carries_on() {
    let mut store = HashMap::new();
    let result = session(&mut store, |mut c| async move {
        for bad in ["PING\n", "GET\n", "set a 1\n", "DEL a b\n", "\n"] {
            assert_eq!(c.ask(bad).await, "ERR unknown command\n", "for {bad:?}");
        }
        assert_eq!(c.ask("SET a 1\n").await, "OK\n");
        None
    })
    .await;
    assert!(result.is_ok());
    assert_eq!(store.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_line_sent_in_pieces() {
    let mut store = HashMap::new();
    let result = session(&mut store, |mut c| async move {
        c.send("SE").await;
        sleep(Duration::from_millis(5)).await;
        c.send("T k v").await;
        sleep(Duration::from_millis(5)).await;
        c.send("\n").await;
        assert_eq!(c.reply().await, "OK\n");
        c.send("GET k\nGET").await;
        assert_eq!(c.reply().await, "VALUE v\n");
        sleep(Duration::from_millis(5)).await;
        c.send(" k\n").await;
        assert_eq!(c.reply().await, "VALUE v\n");
        None
    })
    .await;
    assert!(result.is_ok());
}

#[tokio::test(start_paused = true)]
async fn quit_closes_the_session_from_the_server_side() {
    let mut store = HashMap::new();
    let result = session(&mut store, |mut c| async move {
        c.send("SET a 1\nQUIT\nSET b 2\n").await;
        assert_eq!(c.reply().await, "OK\n");
        assert_eq!(c.reply().await, "BYE\n");
        // Stay connected: serve must end the session by itself.
        Some(c)
    })
    .await;
    assert!(result.is_ok());
    assert_eq!(store.len(), 1, "only SET a ran: {store:?}");
}

#[tokio::test(start_paused = true)]
async fn after_quit_the_server_hangs_up() {
    let (client, server) = tokio::io::duplex(256);
    let (mut reader, mut writer) = tokio::io::split(client);
    writer.write_all(b"QUIT\n").await.unwrap();
    let mut store = HashMap::new();
    timeout(Duration::from_secs(60), serve(server, &mut store))
        .await
        .expect("serve still running after QUIT, with the client connected")
        .unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "BYE\n");
}

#[tokio::test(start_paused = true)]
async fn a_failed_read_is_returned() {
    let mock = Builder::new()
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read_error(io::Error::other("boom"))
        .build();
    let error = timeout(Duration::from_secs(60), serve(mock, &mut HashMap::new()))
        .await
        .expect("serve never returned: was the reply to SET flushed?")
        .expect_err("a read error must end serve with that error");
    assert_eq!(error.to_string(), "boom");
}

#[tokio::test(start_paused = true)]
async fn any_whitespace_separates_words() {
    let mut store = HashMap::new();
    let result = session(&mut store, |mut c| async move {
        assert_eq!(c.ask("SET\ta  1\r\n").await, "OK\n");
        assert_eq!(c.ask(" GET a\t\r\n").await, "VALUE 1\n");
        None
    })
    .await;
    assert!(result.is_ok());
    assert_eq!(store, HashMap::from([("a".to_string(), "1".to_string())]));
}

#[tokio::test(start_paused = true)]
async fn bytes_that_are_not_utf8_are_invalid_data() {
    let mut store = HashMap::new();
    let result = session(&mut store, |mut c| async move {
        c.writer.write_all(b"SET a \xc3\x28\n").await.unwrap();
        // Stay connected: serve must end the session by itself.
        Some(c)
    })
    .await;
    assert_eq!(result.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData));
    assert!(store.is_empty(), "{store:?}");
}

#[tokio::test(start_paused = true)]
async fn a_failed_write_is_returned() {
    let mock = Builder::new()
        .read(b"GET a\n")
        .write_error(io::Error::other("cable cut"))
        .build();
    let error = timeout(Duration::from_secs(60), serve(mock, &mut HashMap::new()))
        .await
        .expect("serve never returned")
        .expect_err("a write error must end serve with that error");
    assert_eq!(error.to_string(), "cable cut");
}
