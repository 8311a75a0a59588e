//! Grading tests for kata 28: a TCP echo server.
//!
//! `handle` is graded against scripted connections (`tokio_test::io`
//! mocks) on tokio's paused clock: each script says what the client sends,
//! what it expects back, and in which order; a client waits for each echo
//! before it sends more, just like a person typing into `nc`. Time only
//! moves when every task is waiting, so a pause of 500ms costs no real time
//! and a `handle` that waits for something that never comes is reported
//! after 60s of virtual time, in microseconds.
//!
//! `serve` is graded once, end to end, on a real socket (127.0.0.1, a port
//! the OS picks) with the real clock, under a real time limit of a few
//! seconds.

use std::future::Future;
use std::io;
use std::time::Duration;

use kata_28_tcp_echo::{handle, serve};
use kata_support::{assert_no_leaked_tasks, fmt_duration, ms, scripted, Stopwatch};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_test::io::Builder;

/// Runs `handle` on one scripted connection: `kata_support::scripted`
/// explains a hang, a broken script or a panic. `expected_back` is
/// everything the client expects to receive; `buffered` puts a `BufWriter`
/// between `handle` and the client.
async fn session(
    what: &str,
    script: &mut Builder,
    expected_back: &str,
    buffered: bool,
) -> io::Result<u64> {
    let mock = script.name("client").build();
    // The builder shares the scripted errors with the mock; the mock can
    // only hand an error out once it holds the last reference to it.
    *script = Builder::new();
    let (result, got) = if buffered {
        scripted(what, mock, expected_back, |reader, writer| {
            handle(reader, BufWriter::new(writer))
        })
        .await
    } else {
        scripted(what, mock, expected_back, handle).await
    };
    if result.is_ok() {
        assert!(
            got == expected_back,
            "{what}: handle returned {result:?}, but the client received {} bytes instead \
             of the {} it sent: every byte read must be written back, in order, and \
             flushed.",
            got.len(),
            expected_back.len()
        );
    }
    result
}

#[tokio::test(start_paused = true)]
async fn echoes_each_chunk_as_soon_as_it_arrives() {
    let watch = Stopwatch::start();
    let echoed = session(
        "a client that sends \"hello\\n\", pauses 500ms, then sends \"world\\n\"",
        Builder::new()
            .read(b"hello\n")
            .write(b"hello\n")
            .wait(ms(500))
            .read(b"world\n")
            .write(b"world\n"),
        "hello\nworld\n",
        false,
    )
    .await;
    assert_eq!(
        echoed.as_ref().ok(),
        Some(&12),
        "handle on \"hello\\n\" + \"world\\n\" returned {echoed:?}, expected Ok(12): \
         the number of bytes echoed."
    );
    watch.assert_elapsed(
        ms(500),
        "echoing \"hello\\n\", a 500ms pause and \"world\\n\"",
        "The client's only pause is 500ms, and handle returns at end of file right \
         after it. Anything else means handle waited on its own (a sleep?) or did not \
         return at end of file.",
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_connection_echoes_nothing() {
    let echoed = session(
        "a client that connects and hangs up without sending anything",
        &mut Builder::new(),
        "",
        false,
    )
    .await;
    assert_eq!(
        echoed.as_ref().ok(),
        Some(&0),
        "handle on a connection that sends nothing returned {echoed:?}, expected \
         Ok(0): read returns Ok(0) at end of file, which ends the echo."
    );
}

#[tokio::test(start_paused = true)]
async fn a_large_message_is_echoed_whole() {
    let message: String = (0..10_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let echoed = session(
        "a client that sends 10000 bytes at once",
        Builder::new()
            .read(message.as_bytes())
            .write(message.as_bytes()),
        &message,
        false,
    )
    .await;
    assert_eq!(
        echoed.as_ref().ok(),
        Some(&10_000),
        "handle on a 10000-byte message returned {echoed:?}, expected Ok(10000). A \
         message bigger than your buffer arrives in several reads: each is echoed \
         and counted."
    );
}

#[tokio::test(start_paused = true)]
async fn a_buffered_writer_is_flushed_after_every_echo() {
    let echoed = session(
        "a client that sends \"ping\\n\", waits for its echo, then sends \"pong\\n\", \
         through a BufWriter",
        Builder::new()
            .read(b"ping\n")
            .write(b"ping\n")
            .read(b"pong\n")
            .write(b"pong\n"),
        "ping\npong\n",
        true,
    )
    .await;
    assert_eq!(
        echoed.as_ref().ok(),
        Some(&10),
        "handle on \"ping\\n\" + \"pong\\n\" through a BufWriter returned {echoed:?}, \
         expected Ok(10)."
    );
}

#[tokio::test(start_paused = true)]
async fn a_read_error_ends_handle_with_that_error() {
    let echoed = session(
        "a client whose connection is reset after \"abc\"",
        Builder::new()
            .read(b"abc")
            .write(b"abc")
            .read_error(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "reset by peer",
            )),
        "abc",
        false,
    )
    .await;
    assert_eq!(
        echoed.as_ref().map_err(|e| e.kind()),
        Err(io::ErrorKind::ConnectionReset),
        "handle returned {echoed:?} when the connection was reset while reading, \
         expected that error (ConnectionReset): pass I/O errors up with `?`."
    );
}

#[tokio::test(start_paused = true)]
async fn a_write_error_ends_handle_with_that_error() {
    let echoed = session(
        "a client that is gone by the time its echo is written",
        Builder::new()
            .read(b"abc")
            .write_error(io::Error::new(io::ErrorKind::BrokenPipe, "client gone")),
        "",
        false,
    )
    .await;
    assert_eq!(
        echoed.as_ref().map_err(|e| e.kind()),
        Err(io::ErrorKind::BrokenPipe),
        "handle returned {echoed:?} when writing the echo failed, expected that \
         error (BrokenPipe): pass I/O errors up with `?`."
    );
}

/// The end-to-end test's clock: real time, one deadline a few seconds away
/// for every step together (a correct server needs milliseconds), and a
/// watch on the server task, which must not end before it is told to.
struct EndToEnd {
    deadline: tokio::time::Instant,
    server: JoinHandle<io::Result<()>>,
}

const END_TO_END_LIMIT: Duration = Duration::from_secs(3);

impl EndToEnd {
    /// Awaits one step of the clients' script. Fails if the time limit
    /// passes first (explaining it with `meaning`), or if serve ends.
    async fn step<F: Future>(&mut self, what: &str, meaning: &str, fut: F) -> F::Output {
        let raced = async {
            tokio::select! {
                biased;
                output = fut => output,
                ended = &mut self.server => panic!(
                    "serve ended before the shutdown signal, while waiting for {what}: {}",
                    match ended {
                        Ok(result) => format!("it returned {result:?}"),
                        Err(e) => format!("it panicked ({e})"),
                    }
                ),
            }
        };
        match tokio::time::timeout_at(self.deadline, raced).await {
            Ok(output) => output,
            Err(_) => panic!(
                "{what} did not happen within {} of real time (a correct server needs a \
                 few milliseconds).\n{meaning}",
                fmt_duration(END_TO_END_LIMIT)
            ),
        }
    }
}

// No paused clock here: real sockets need the real clock (a paused clock
// would jump ahead while the OS is busy and fire the time limits at once).
#[tokio::test]
async fn serve_echoes_every_client_at_once_and_stops_on_shutdown() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the test could not bind a listener on 127.0.0.1");
    let addr = listener.local_addr().expect("the listener has an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let mut run = EndToEnd {
        deadline: tokio::time::Instant::now() + END_TO_END_LIMIT,
        server: tokio::spawn(serve(listener, async move {
            let _ = stopped.await;
        })),
    };

    // Client A connects, is echoed once, and then stays connected, silent.
    let mut a = run
        .step("client A connecting", "", TcpStream::connect(addr))
        .await
        .expect("client A could not connect to serve's listener");
    a.write_all(b"hi from A\n")
        .await
        .expect("client A could not send");
    let mut echo_a = [0u8; 10];
    run.step(
        "client A's echo",
        "serve accepted nothing, or handle did not echo (is the write flushed?).",
        a.read_exact(&mut echo_a),
    )
    .await
    .expect("client A's connection failed before its echo came back");
    assert_eq!(
        &echo_a,
        b"hi from A\n",
        "client A sent \"hi from A\\n\" and got {:?} back.",
        String::from_utf8_lossy(&echo_a)
    );

    // Client B connects while A is still connected, saying nothing.
    let mut b = run
        .step("client B connecting", "", TcpStream::connect(addr))
        .await
        .expect("client B could not connect to serve's listener");
    b.write_all(b"hello from B\n")
        .await
        .expect("client B could not send");
    let mut echo_b = [0u8; 13];
    run.step(
        "client B's echo, while client A was connected and idle,",
        "Client A sends nothing more, so a serve that handles a connection before \
         accepting the next one (awaiting handle inside the accept loop) is stuck with A \
         forever, and B is never served. Run each connection in its own task \
         (JoinSet::spawn) and go straight back to accepting.",
        b.read_exact(&mut echo_b),
    )
    .await
    .expect("client B's connection failed before its echo came back");
    assert_eq!(
        &echo_b,
        b"hello from B\n",
        "client B sent \"hello from B\\n\" and got {:?} back.",
        String::from_utf8_lossy(&echo_b)
    );

    // B hangs up its sending side: handle reaches end of file and returns,
    // and the connection is closed.
    b.shutdown().await.expect("client B could not hang up");
    let mut rest = Vec::new();
    run.step(
        "closing client B's connection after B hung up",
        "When the client hangs up, read returns Ok(0) and handle must return; the \
         connection's task then ends and its socket is closed.",
        b.read_to_end(&mut rest),
    )
    .await
    .expect("client B's connection failed instead of closing cleanly");

    // Shutdown: serve stops accepting and returns, closing A's connection.
    assert!(
        stop.send(()).is_ok(),
        "serve had already dropped its shutdown future when the test sent the signal: \
         it never waited for it. serve must await the shutdown future while it waits for \
         connections: tokio::select! between it and listener.accept() in the accept loop."
    );
    let returned = match tokio::time::timeout_at(run.deadline, &mut run.server).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => panic!("serve panicked after the shutdown signal: {e}"),
        Err(_) => panic!(
            "serve did not return within {} of real time after the shutdown signal.\n\
             serve must watch the shutdown future while it waits for connections: \
             tokio::select! between it and listener.accept() in the accept loop, and \
             return when it completes.",
            fmt_duration(END_TO_END_LIMIT)
        ),
    };
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    let mut byte = [0u8; 1];
    let after_shutdown = tokio::time::timeout_at(run.deadline, a.read(&mut byte))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "client A's connection was still open after serve returned.\n\
                 Client A was connected (and silent) when the shutdown came. Its task must \
                 not outlive serve: spawn connections into a tokio::task::JoinSet owned by \
                 serve and shut it down (or drop it) before returning; that aborts the \
                 tasks and closes their sockets. A task started with a bare tokio::spawn \
                 keeps running, detached, after serve has returned."
            )
        });
    assert!(
        matches!(after_shutdown, Ok(0) | Err(_)),
        "client A read {after_shutdown:?} after serve returned, expected its connection \
         to be closed (end of file)."
    );
    assert_no_leaked_tasks("serve returned").await;
}
