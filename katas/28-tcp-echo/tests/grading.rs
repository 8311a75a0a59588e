//! Grading tests for kata 28: a TCP echo server.
//!
//! `handle` is graded on tokio's paused clock against two kinds of fake
//! connection: scripted `tokio_test::io` mocks (a script says what the
//! client sends, what it expects back, and in which order; they also inject
//! I/O errors), and in-memory pipes (`tokio::io::duplex`) with tiny buffers,
//! so that reads come in small pieces and writes are accepted a few bytes at
//! a time, like a busy network. A client always waits for its echo before
//! it sends more, like a person typing into `nc`. Time only moves when
//! every task is waiting, so a pause costs no real time and a `handle` that
//! waits for something that never comes is reported after 60s of virtual
//! time, in microseconds.
//!
//! `serve` takes a real `TcpListener`, so it is graded on real sockets
//! (127.0.0.1, a port the OS picks): once end to end with the real clock
//! under a real time limit of a few seconds, and once on the paused clock,
//! where only the test's own timers can move time (a correct `serve` has
//! none), to see what `serve` does while nothing happens.
//!
//! | mistake | the test that catches it |
//! |---|---|
//! | echoes only at end of file (`read_to_end`, then `write_all`) | `echoes_each_chunk_as_soon_as_it_arrives`, `echoes_irregular_bytes_exactly_and_at_once` |
//! | waits for a full line (`lines()`, `read_line`) or a full buffer (`read_exact`) before echoing | `echoes_irregular_bytes_exactly_and_at_once` (chunks without newlines) |
//! | a short read taken for the end of the stream (`if n < buf.len() { return }`) | `echoes_each_chunk_as_soon_as_it_arrives`, `echoes_irregular_bytes_exactly_and_at_once` |
//! | `write` instead of `write_all`: the rest of a partial write is lost | `echoes_irregular_bytes_exactly_and_at_once` (a pipe that takes a few bytes per write) |
//! | the bytes turned into text (`from_utf8_lossy`, `read_line`): binary data is changed or refused | `echoes_irregular_bytes_exactly_and_at_once` (random bytes, not UTF-8) |
//! | the whole buffer written back instead of `&buf[..n]`, or a buffer never cleared | `echoes_each_chunk_as_soon_as_it_arrives`, `echoes_irregular_bytes_exactly_and_at_once` |
//! | wrong count returned (reads, buffer sizes) | `echoes_each_chunk_as_soon_as_it_arrives`, `echoes_irregular_bytes_exactly_and_at_once` |
//! | no flush: the echo sits in a `BufWriter` | `a_buffered_writer_is_flushed_after_every_echo` |
//! | flushed only after a short read (`if n < buf.len()`): an echo that filled the buffer sits in a `BufWriter` | `a_read_that_fills_the_buffer_is_flushed_too` |
//! | a read error turned into a clean end (`Ok(n)`), or only some kinds (`UnexpectedEof`) | `a_read_error_ends_handle_with_that_error` |
//! | a write error ignored (`let _ = write_all(..)`) | `a_write_error_ends_handle_with_that_error` |
//! | a read wrapped in a `timeout` loop, or an idle limit (minutes) that hangs up on a silent client | `a_silent_client_costs_nothing_while_handle_waits` |
//! | `serve` awaits `handle` inside the accept loop: one client at a time | `serve_echoes_every_client_at_once_and_stops_on_shutdown`, `serve_sleeps_while_idle_and_stops_the_moment_it_is_told` |
//! | connections spawned detached (`tokio::spawn`, handle dropped): they outlive `serve` | `serve_echoes_every_client_at_once_and_stops_on_shutdown`, `serve_sleeps_while_idle_and_stops_the_moment_it_is_told` |
//! | shutdown ignored, or only checked when a connection arrives | `serve_echoes_every_client_at_once_and_stops_on_shutdown`, `serve_sleeps_while_idle_and_stops_the_moment_it_is_told` |
//! | at shutdown, waits for open connections to end instead of closing them | `serve_echoes_every_client_at_once_and_stops_on_shutdown`, `serve_sleeps_while_idle_and_stops_the_moment_it_is_told` |
//! | one connection's error (a client reset) ends the whole server | `serve_echoes_every_client_at_once_and_stops_on_shutdown` |
//! | connections kept as JoinHandles (a `Vec`, or detached): they outlive a dropped `serve` | `dropping_serve_closes_every_connection` |
//! | `accept` in a `timeout` loop (or any timer) to check for shutdown: wakes up on its own | `serve_sleeps_while_idle_and_stops_the_moment_it_is_told` |
//! | a failed accept skipped (`continue`) or retried, or `accept().await.unwrap()`: the error is never returned | `serve_returns_the_error_when_accept_fails` (tests/accept_error.rs) |
//!
//! What `serve` does when `accept` itself fails is graded in
//! `tests/accept_error.rs`, a test file (and so a process) of its own: to
//! make the OS fail an accept, it lowers the process's limit of open files,
//! which would break every other test running beside it.

use std::future::Future;
use std::io;
use std::time::Duration;

use kata_28_tcp_echo::{handle, serve};
use kata_support::{
    Rng, Stopwatch, Wakeups, assert_no_leaked_tasks, assert_nothing_left_running, fmt_duration,
    for_each_seed, ms, no_hang, scripted,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, BufWriter, DuplexStream};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep};
use tokio_test::io::Builder;

/// How long a client waits, in virtual time, before it calls `handle` stuck.
const PATIENCE: Duration = Duration::from_secs(60);

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
    let mut client = PipeClient::start(4096, 4096);
    let watch = Stopwatch::start();
    let hello = client
        .exchange("\"hello\\n\", the client's first message,", b"hello\n")
        .await;
    assert_eq!(
        hello, b"hello\n",
        "the client sent \"hello\\n\" and got {hello:?} back."
    );
    sleep(ms(517)).await;
    let world = client
        .exchange("\"world\\n\", sent 517ms later,", b"world\n")
        .await;
    assert_eq!(
        world, b"world\n",
        "the client sent \"world\\n\" and got {world:?} back."
    );
    client
        .hang_up(
            "a client that sent \"hello\\n\", paused 517ms, then sent \"world\\n\"",
            12,
        )
        .await;
    watch.assert_elapsed(
        ms(517),
        "echoing \"hello\\n\", a 517ms pause and \"world\\n\"",
        "The client's only pause is 517ms, and handle returns at end of file right \
         after it. Anything else means handle waited on its own (a sleep?) or did not \
         return at end of file.",
    );
}

// ---------------------------------------------------------------------------
// handle on in-memory pipes with small buffers.

/// One side of a conversation with `handle` over two in-memory pipes: the
/// client writes into the first, `handle` writes its echo into the second.
struct PipeClient {
    to_server: Option<DuplexStream>,
    from_server: DuplexStream,
    server: JoinHandle<io::Result<u64>>,
}

impl PipeClient {
    /// Spawns `handle` on two pipes: `inbound` bytes of buffer from the
    /// client to `handle`, `outbound` bytes back. A small buffer makes
    /// `handle` read in small pieces, and makes each of its writes accept
    /// only as much as fits.
    fn start(inbound: usize, outbound: usize) -> PipeClient {
        PipeClient::start_with(inbound, outbound, false)
    }

    /// The same, with a `BufWriter` between `handle` and the pipe back when
    /// `buffered`.
    fn start_with(inbound: usize, outbound: usize, buffered: bool) -> PipeClient {
        let (to_server, server_reader) = tokio::io::duplex(inbound);
        let (server_writer, from_server) = tokio::io::duplex(outbound);
        let server = if buffered {
            tokio::spawn(handle(server_reader, BufWriter::new(server_writer)))
        } else {
            tokio::spawn(handle(server_reader, server_writer))
        };
        PipeClient {
            to_server: Some(to_server),
            from_server,
            server,
        }
    }

    /// What `handle` returned, if it has returned, for a message.
    async fn returned(&mut self) -> Option<String> {
        if !self.server.is_finished() {
            return None;
        }
        Some(match (&mut self.server).await {
            Ok(result) => format!("returned {result:?}"),
            Err(e) => format!("panicked ({e})"),
        })
    }

    /// Sends `message` and waits for its echo, reading while it writes
    /// (the pipe back may be smaller than the message). Returns the echo
    /// and how long after the send its last byte arrived.
    async fn exchange(&mut self, what: &str, message: &[u8]) -> Vec<u8> {
        let sent_at = Instant::now();
        let to_server = self
            .to_server
            .as_mut()
            .expect("the client is still sending");
        let mut echo = Vec::with_capacity(message.len());
        let outcome = tokio::time::timeout(PATIENCE, async {
            let (sent, received) = tokio::join!(
                to_server.write_all(message),
                read_up_to(&mut self.from_server, message.len(), &mut echo)
            );
            sent.and(received)
        })
        .await;
        match outcome {
            Ok(Ok(())) if echo.len() == message.len() => {}
            outcome => {
                let returned = self.returned().await;
                let (got, len) = (echo.len(), message.len());
                match returned {
                    Some(returned) => panic!(
                        "{what}: handle {returned} before the client hung up, after echoing \
                         {got} of the message's {len} bytes. handle must keep reading until \
                         end of file (a read of 0 bytes): a read that returns fewer bytes \
                         than the buffer holds is not the end, it is only what has arrived \
                         so far."
                    ),
                    None if outcome.is_err() => panic!(
                        "{what}: only {got} of its {len} bytes had come back after {} of \
                         virtual time, and the client waits for its echo before it sends \
                         anything more.\nEcho each chunk as soon as `read` returns it: do \
                         not wait for a full line, a full buffer or end of file. Write it \
                         with `write_all` (a single `write` may take only part of the slice: \
                         this pipe takes a few bytes at a time), and flush.",
                        fmt_duration(PATIENCE)
                    ),
                    None => panic!("{what}: the connection failed: {outcome:?}"),
                }
            }
        }
        let late = sent_at.elapsed();
        assert!(
            late.is_zero(),
            "{what}: its echo came back {} after it was sent, expected at once (0ms of \
             virtual time): nothing in an echo waits on a timer. Is there a sleep or a \
             timeout between the read and the write?",
            fmt_duration(late)
        );
        echo
    }

    /// Hangs up the sending side, then checks nothing more comes back and
    /// `handle` returns `Ok(echoed)` at once.
    async fn hang_up(&mut self, what: &str, echoed: u64) {
        drop(self.to_server.take());
        let hung_up_at = Instant::now();
        let mut extra = Vec::new();
        let rest = tokio::time::timeout(PATIENCE, self.from_server.read_to_end(&mut extra)).await;
        assert!(
            rest.is_ok(),
            "{what}: the client hung up, but handle had not returned {} later: at end of \
             file (read returns Ok(0)) handle must return.",
            fmt_duration(PATIENCE)
        );
        assert!(
            extra.is_empty(),
            "{what}: after the last echo, handle sent {} more byte(s) the client never sent: \
             write back exactly `&buf[..n]`, the n bytes just read, once.",
            extra.len()
        );
        let result = no_hang("handle, after the client hung up", &mut self.server)
            .await
            .expect("handle panicked");
        assert_eq!(
            result.as_ref().ok(),
            Some(&echoed),
            "{what}: handle returned {result:?} at end of file, expected Ok({echoed}): the \
             number of bytes it echoed in all."
        );
        assert!(
            hung_up_at.elapsed().is_zero(),
            "{what}: handle returned {} after the client hung up, expected at once.",
            fmt_duration(hung_up_at.elapsed())
        );
    }
}

/// Reads until `into` holds `len` bytes or the stream ends.
async fn read_up_to<R: AsyncRead + Unpin>(
    reader: &mut R,
    len: usize,
    into: &mut Vec<u8>,
) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    while into.len() < len {
        let want = (len - into.len()).min(buf.len());
        let n = reader.read(&mut buf[..want]).await?;
        if n == 0 {
            break;
        }
        into.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

/// Random bytes: binary, so almost never valid UTF-8, and only rarely a
/// newline.
fn random_bytes(rng: &mut Rng, len: u64) -> Vec<u8> {
    (0..len).map(|_| rng.below(256) as u8).collect()
}

#[tokio::test(start_paused = true)]
async fn echoes_irregular_bytes_exactly_and_at_once() {
    for_each_seed(32, |mut rng| async move {
        // Buffers of a few bytes split reads and writes into small pieces.
        let inbound = *rng.pick(&[7, 64, 1000, 16_384]);
        let outbound = *rng.pick(&[3, 10, 512, 16_384]);
        let count = rng.range(0, 5);
        let messages: Vec<Vec<u8>> = (0..count)
            .map(|_| {
                let len = if rng.chance(1, 6) {
                    rng.range(4097, 9000)
                } else {
                    rng.range(1, 300)
                };
                random_bytes(&mut rng, len)
            })
            .collect();
        let sizes: Vec<usize> = messages.iter().map(Vec::len).collect();
        let buffered = rng.chance(1, 3);
        let mut client = PipeClient::start_with(inbound, outbound, buffered);
        let mut echoed = 0u64;
        for (i, message) in messages.iter().enumerate() {
            // Sometimes at once, sometimes after an odd pause.
            if rng.chance(2, 3) {
                sleep(ms(rng.odd_ms(1, 2000))).await;
            }
            let what = format!(
                "message {} of {count} ({} bytes of binary data, no line structure; the \
                 client's messages are {sizes:?} bytes{})",
                i + 1,
                message.len(),
                if buffered {
                    "; handle writes through a BufWriter"
                } else {
                    ""
                }
            );
            let echo = client.exchange(&what, message).await;
            if echo != *message {
                let at = echo
                    .iter()
                    .zip(message)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                panic!(
                    "{what}: the echo differs from what was sent, first at byte {at} (sent \
                     {:#04x}, got back {:#04x}). Echo the bytes exactly as read: they are not \
                     text (no from_utf8, no lines), and write back `&buf[..n]`, the n bytes \
                     this read returned, not the whole buffer.",
                    message[at], echo[at]
                );
            }
            echoed += message.len() as u64;
        }
        client
            .hang_up(
                &format!("a client that sent {count} message(s) of {sizes:?} bytes"),
                echoed,
            )
            .await;
        assert_no_leaked_tasks("handle returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_read_that_fills_the_buffer_is_flushed_too() {
    // Messages whose sizes are multiples of every common buffer size (powers
    // of two from 64 B, and thousands), through a pipe wide enough that each
    // read fills whatever buffer handle uses, and a BufWriter wide enough to
    // hold each write: an echo flushed only after a short read ("more is
    // coming otherwise") stays in the BufWriter while the client waits.
    for_each_seed(24, |mut rng| async move {
        let wide = 1 << 17;
        let count = rng.range(1, 4);
        let sizes: Vec<u64> = (0..count)
            .map(|_| match rng.below(3) {
                0 => 1 << rng.range(6, 16),
                1 => rng.range(1, 9) * 1000,
                _ => rng.range(1, 7) << rng.range(9, 13),
            })
            .collect();
        let (to_server, server_reader) = tokio::io::duplex(wide);
        let (server_writer, from_server) = tokio::io::duplex(wide);
        let mut client = PipeClient {
            to_server: Some(to_server),
            from_server,
            server: tokio::spawn(handle(
                server_reader,
                BufWriter::with_capacity(wide, server_writer),
            )),
        };
        let mut echoed = 0u64;
        for (i, &len) in sizes.iter().enumerate() {
            if rng.chance(1, 2) {
                sleep(ms(rng.odd_ms(1, 2000))).await;
            }
            let message = random_bytes(&mut rng, len);
            let what = format!(
                "message {} of {count} ({len} bytes, arriving all at once, so every read \
                 fills handle's buffer; the client's messages are {sizes:?} bytes; handle \
                 writes through a BufWriter of {wide} bytes)",
                i + 1
            );
            let echo = client.exchange(&what, &message).await;
            assert!(
                echo == message,
                "{what}: the echo differs from what was sent. Write back `&buf[..n]`, the n \
                 bytes each read returned, and flush after every write, whether or not the \
                 read filled the buffer."
            );
            echoed += len;
        }
        client
            .hang_up(
                &format!("a client that sent {count} message(s) of {sizes:?} bytes"),
                echoed,
            )
            .await;
        assert_no_leaked_tasks("handle returned").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_costs_nothing_while_handle_waits() {
    let mut client = PipeClient::start(64, 64);
    let hello = client
        .exchange("a client's first message, \"hi\\n\",", b"hi\n")
        .await;
    assert_eq!(
        hello, b"hi\n",
        "the client sent \"hi\\n\" and got {hello:?} back."
    );
    // Hours of virtual time cost nothing; an idle limit of minutes fires.
    Wakeups::assert_quiet_for(
        ms(3 * 3_600_000 + 317),
        0,
        "handle waited for a connected client that sends nothing for 3 hours (a timeout \
         around the read, \"hang up on idle clients\", is not asked for: handle ends only at \
         end of file)",
    )
    .await;
    let bye = client
        .exchange(
            "the client's second message, \"bye\", 3 hours later,",
            b"bye",
        )
        .await;
    assert_eq!(bye, b"bye", "the client sent \"bye\" and got {bye:?} back.");
    client
        .hang_up(
            "a client that sent \"hi\\n\", then \"bye\" 3 hours later",
            6,
        )
        .await;
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
    // Every kind of read error is an error, including UnexpectedEof: only a
    // read of 0 bytes (Ok(0)) is the end of the stream.
    for kind in [
        io::ErrorKind::ConnectionReset,
        io::ErrorKind::UnexpectedEof,
        io::ErrorKind::ConnectionAborted,
        io::ErrorKind::TimedOut,
        io::ErrorKind::Other,
    ] {
        let echoed = session(
            &format!("a client whose connection fails with {kind:?} after \"abc\""),
            Builder::new()
                .read(b"abc")
                .write(b"abc")
                .read_error(io::Error::new(kind, "the connection failed")),
            "abc",
            false,
        )
        .await;
        assert_eq!(
            echoed.as_ref().map_err(|e| e.kind()),
            Err(kind),
            "handle returned {echoed:?} when reading failed with an error of kind {kind:?}, \
             expected that error: a read error is not the end of the stream (that is Ok(0)), \
             whatever its kind. Treating some kinds (UnexpectedEof, ConnectionReset) as \"the \
             client hung up\" hides them from the caller. Pass I/O errors up with `?`."
        );
    }
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

// ---------------------------------------------------------------------------
// serve, on real sockets.

/// The end-to-end test's clock: real time, one deadline a few seconds away
/// for every step together (a correct server needs milliseconds), and a
/// watch on the server task, which must not end before it is told to.
struct EndToEnd {
    deadline: tokio::time::Instant,
    server: JoinHandle<io::Result<()>>,
}

const END_TO_END_LIMIT: Duration = Duration::from_millis(1500);

/// What serve ending early usually means.
fn why_serve_ended(ended: &Result<io::Result<()>, tokio::task::JoinError>) -> String {
    match ended {
        Ok(Err(e)) => format!(
            "it returned Err({e}). An error on one connection (a client that resets its \
             connection, here client C) must end that connection only: the connection's \
             task ends, and serve goes on accepting. Only an error from accept itself ends \
             serve."
        ),
        Ok(Ok(())) => "it returned Ok(()) without being told to stop.".to_string(),
        Err(e) => format!("it panicked ({e})."),
    }
}

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
                    why_serve_ended(&ended)
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

    /// Sends `message` on `conn` and checks it comes back.
    async fn echo(&mut self, who: &str, conn: &mut TcpStream, message: &[u8], meaning: &str) {
        conn.write_all(message)
            .await
            .unwrap_or_else(|e| panic!("{who} could not send: {e}"));
        let mut echo = vec![0u8; message.len()];
        self.step(
            &format!("{who}'s echo"),
            meaning,
            conn.read_exact(&mut echo),
        )
        .await
        .unwrap_or_else(|e| panic!("{who}'s connection failed before its echo came back: {e}"));
        assert_eq!(
            echo,
            message,
            "{who} sent {:?} and got {:?} back.",
            String::from_utf8_lossy(message),
            String::from_utf8_lossy(&echo)
        );
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
    let accepting = "serve accepted nothing, or handle did not echo (is the write flushed?).";

    // Client A connects, is echoed once, and then stays connected, silent.
    let mut a = run
        .step("client A connecting", "", TcpStream::connect(addr))
        .await
        .expect("client A could not connect to serve's listener");
    run.echo("client A", &mut a, b"hi from A\n", accepting)
        .await;

    // Client B connects while A is still connected, saying nothing.
    let mut b = run
        .step("client B connecting", "", TcpStream::connect(addr))
        .await
        .expect("client B could not connect to serve's listener");
    run.echo(
        "client B, while client A was connected and idle,",
        &mut b,
        b"hello from B\n",
        "Client A sends nothing more, so a serve that handles a connection before \
         accepting the next one (awaiting handle inside the accept loop) is stuck with A \
         forever, and B is never served. Run each connection in its own task \
         (JoinSet::spawn) and go straight back to accepting.",
    )
    .await;

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

    // Client C is echoed, then resets its connection (an abortive close):
    // its handle fails with ConnectionReset. That is C's problem only.
    let mut c = run
        .step("client C connecting", "", TcpStream::connect(addr))
        .await
        .expect("client C could not connect to serve's listener");
    run.echo("client C", &mut c, b"C here\n", accepting).await;
    c.set_zero_linger()
        .expect("the test could not set SO_LINGER on client C");
    drop(c);

    // Client D must still be served, twice.
    let mut d = run
        .step("client D connecting", "", TcpStream::connect(addr))
        .await
        .expect("client D could not connect to serve's listener");
    run.echo(
        "client D, after client C reset its connection,",
        &mut d,
        b"D one\n",
        "",
    )
    .await;
    run.echo("client D's second message", &mut d, b"D two\n", "")
        .await;

    // Shutdown: serve stops accepting and returns, closing A's and D's
    // connections.
    if run.server.is_finished() {
        let ended = (&mut run.server).await;
        panic!(
            "serve ended before the shutdown signal: {}",
            why_serve_ended(&ended)
        );
    }
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
            "serve did not return within {} of real time after the shutdown signal, with \
             clients A and D connected and silent.\n\
             serve must watch the shutdown future while it waits for connections \
             (tokio::select! between it and listener.accept() in the accept loop), return \
             when it completes, and close the connections still open rather than wait for \
             their clients to hang up: JoinSet::shutdown (or dropping the JoinSet) aborts \
             their tasks.",
            fmt_duration(END_TO_END_LIMIT)
        ),
    };
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(()). (An error \
         on one connection, like client C's reset, must not become serve's error.)"
    );
    for (who, conn) in [("client A", &mut a), ("client D", &mut d)] {
        let mut byte = [0u8; 1];
        let after_shutdown = tokio::time::timeout_at(run.deadline, conn.read(&mut byte))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "{who}'s connection was still open after serve returned.\n\
                     {who} was connected (and silent) when the shutdown came. Its task must \
                     not outlive serve: spawn connections into a tokio::task::JoinSet owned \
                     by serve and shut it down (or drop it) before returning; that aborts \
                     the tasks and closes their sockets. A task started with a bare \
                     tokio::spawn keeps running, detached, after serve has returned."
                )
            });
        assert!(
            matches!(after_shutdown, Ok(0) | Err(_)),
            "{who} read {after_shutdown:?} after serve returned, expected its connection \
             to be closed (end of file)."
        );
    }
    assert_no_leaked_tasks("serve returned").await;
}

// Real sockets first, on the real clock under a real time limit: the
// client connects and is echoed. Then the clock is paused, with the client
// connected and silent: a correct serve uses no timer at all, so from then
// on nothing can move the clock but the test, and nothing should wake up.
#[tokio::test]
async fn serve_sleeps_while_idle_and_stops_the_moment_it_is_told() {
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
    let mut client = run
        .step("the client connecting", "", TcpStream::connect(addr))
        .await
        .expect("the client could not connect to serve's listener");
    run.echo(
        "the client",
        &mut client,
        b"ping",
        "serve accepted nothing, or handle did not echo (is the write flushed?).",
    )
    .await;
    let mut server = run.server;

    tokio::time::pause();
    Wakeups::assert_quiet_for(
        ms(60_000),
        0,
        "serve waited with one client connected and silent, and no shutdown signal",
    )
    .await;
    assert!(
        !server.is_finished(),
        "serve returned before the shutdown signal: {}",
        why_serve_ended(&(&mut server).await)
    );

    stop.send(())
        .expect("serve dropped its shutdown future without waiting for it");
    let watch = Stopwatch::start();
    let returned = match tokio::time::timeout(PATIENCE, &mut server).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => panic!("serve panicked after the shutdown signal: {e}"),
        Err(_) => panic!(
            "serve had not returned {} of virtual time after the shutdown signal, with a \
             client connected and silent.\nserve must watch the shutdown future while it \
             waits for connections (tokio::select! between it and listener.accept()), return \
             when it completes, and close the connections still open instead of waiting for \
             their clients to hang up: JoinSet::shutdown (or dropping the JoinSet) aborts \
             their tasks. A serve that awaits each connection inside the accept loop is \
             still busy with the silent client and never sees the signal.",
            fmt_duration(PATIENCE)
        ),
    };
    watch.assert_elapsed(
        Duration::ZERO,
        "serve, from the shutdown signal until it returned,",
        "serve must be waiting for the signal itself (tokio::select! between the pinned \
         shutdown future and listener.accept()), not checking for it now and then.",
    );
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    assert_no_leaked_tasks(
        "serve returned while a client was connected (its connection must be closed: \
         JoinSet::shutdown, or drop the JoinSet)",
    )
    .await;
}

// As above: real sockets on the real clock first, then the paused clock
// for the checks that wait.
#[tokio::test]
async fn dropping_serve_closes_every_connection() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the test could not bind a listener on 127.0.0.1");
    let addr = listener.local_addr().expect("the listener has an address");
    let mut run = EndToEnd {
        deadline: tokio::time::Instant::now() + END_TO_END_LIMIT,
        server: tokio::spawn(serve(listener, std::future::pending())),
    };
    let mut clients = Vec::new();
    for who in ["client A", "client B"] {
        let mut client = run
            .step(&format!("{who} connecting"), "", TcpStream::connect(addr))
            .await
            .unwrap_or_else(|e| panic!("{who} could not connect to serve's listener: {e}"));
        run.echo(
            who,
            &mut client,
            b"still here\n",
            "serve accepted nothing, or handle did not echo (is the write flushed?).",
        )
        .await;
        clients.push(client);
    }

    // The caller gives up on serve: its future is dropped, mid-way, with
    // two clients connected and silent.
    tokio::time::pause();
    run.server.abort();
    let _ = (&mut run.server).await;
    assert_nothing_left_running(
        "serve's future was dropped by its caller with two clients connected. Dropping \
         serve must close its connections too: a JoinSet owned by serve aborts its tasks \
         when it is dropped, wherever serve was; JoinHandles in a Vec, or a bare \
         tokio::spawn, leave them running, detached",
        ms(60_000),
    )
    .await;
    for (who, client) in ["client A", "client B"].into_iter().zip(&mut clients) {
        let mut byte = [0u8; 1];
        let read = client.read(&mut byte).await;
        assert!(
            matches!(read, Ok(0) | Err(_)),
            "{who} read {read:?} after serve was dropped, expected its connection to be \
             closed (end of file)."
        );
    }
}
