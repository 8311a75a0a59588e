//! Grading tests for kata 31: mini-kv.
//!
//! Everything but the last test runs on tokio's paused clock, without the
//! network:
//!
//! - the protocol (`handle_connection`) against scripted connections
//!   (`tokio_test::io` mocks), where the client waits for each reply before
//!   it sends its next command;
//! - `accept_with_backoff` and `serve` against fake listeners: one whose
//!   accepts fail on cue, and one that hands out in-memory connections
//!   (`tokio::io::duplex`) to clients the test controls.
//!
//! The last test is end to end, on a real socket with the real clock, under
//! a real time limit of a few seconds.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kata_31_mini_kv_capstone::{accept_with_backoff, handle_connection, serve, Db, Listener};
use kata_support::{
    assert_no_leaked_tasks, fmt_duration, ms, no_hang, scripted, EventLog, Stopwatch,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter, DuplexStream};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::sleep;
use tokio_test::io::Builder;
use tokio_test::{assert_pending, assert_ready, task};

// ---------------------------------------------------------------------------
// The protocol, on scripted connections.

/// Runs `handle_connection` on one scripted connection against `db`, with a
/// shutdown channel that stays open (its Sender is returned, alive).
async fn session(what: &str, script: &mut Builder, expected_back: &str, db: &Db) {
    let (_keep_open, shutdown) = broadcast::channel::<()>(1);
    let mock = script.name("client").build();
    *script = Builder::new();
    let (result, got) = scripted(what, mock, expected_back, |reader, writer| {
        handle_connection(reader, writer, db.clone(), shutdown)
    })
    .await;
    assert_replies(what, &result, &got, expected_back);
}

#[track_caller]
fn assert_replies(what: &str, result: &io::Result<()>, got: &str, expected_back: &str) {
    assert!(
        result.is_ok(),
        "{what}: handle_connection returned {result:?}, expected Ok(()) when the client \
         hangs up (end of file)."
    );
    assert_eq!(
        got, expected_back,
        "{what}: the client received {got:?}, expected {expected_back:?}. One reply line per \
         command, in order, each ending in \\n, flushed."
    );
}

#[tokio::test(start_paused = true)]
async fn set_then_get_returns_the_value() {
    let db = Db::new();
    session(
        "a client that sends `SET color blue`, then `GET color`",
        Builder::new()
            .read(b"SET color blue\n")
            .write(b"OK\n")
            .read(b"GET color\n")
            .write(b"VALUE blue\n"),
        "OK\nVALUE blue\n",
        &db,
    )
    .await;
    assert_eq!(
        db.get("color").as_deref(),
        Some("blue"),
        "after `SET color blue` the Db must hold color = blue (Db::get returned something \
         else): SET stores into the Db that handle_connection was given."
    );
}

#[tokio::test(start_paused = true)]
async fn get_of_a_missing_key_is_nil() {
    session(
        "a client that sends `GET nothing-here`",
        Builder::new().read(b"GET nothing-here\n").write(b"NIL\n"),
        "NIL\n",
        &Db::new(),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn bad_commands_get_an_error_and_the_connection_goes_on() {
    session(
        "a client that sends `DEL k`, `SET k`, `get k`, an empty line, then `GET k`",
        Builder::new()
            .read(b"DEL k\n")
            .write(b"ERR unknown command\n")
            .read(b"SET k\n")
            .write(b"ERR unknown command\n")
            .read(b"get k\n")
            .write(b"ERR unknown command\n")
            .read(b"\n")
            .write(b"ERR unknown command\n")
            .read(b"GET k\n")
            .write(b"NIL\n"),
        "ERR unknown command\nERR unknown command\nERR unknown command\nERR unknown command\nNIL\n",
        &Db::new(),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn commands_sent_together_are_all_answered_in_order() {
    session(
        "a client that sends four commands in one write",
        Builder::new()
            .read(b"SET a 1\nSET b 2\nGET a\nGET b\n")
            .write(b"OK\nOK\nVALUE 1\nVALUE 2\n"),
        "OK\nOK\nVALUE 1\nVALUE 2\n",
        &Db::new(),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn replies_are_flushed_before_the_next_command_is_read() {
    let (_keep_open, shutdown) = broadcast::channel::<()>(1);
    let what = "a client that sends `SET a 1`, waits for `OK`, then sends `GET a`, through a \
                BufWriter";
    let mock = Builder::new()
        .name("client")
        .read(b"SET a 1\n")
        .write(b"OK\n")
        .read(b"GET a\n")
        .write(b"VALUE 1\n")
        .build();
    let (result, got) = scripted(what, mock, "OK\nVALUE 1\n", |reader, writer| {
        handle_connection(reader, BufWriter::new(writer), Db::new(), shutdown)
    })
    .await;
    assert_replies(what, &result, &got, "OK\nVALUE 1\n");
}

#[tokio::test(start_paused = true)]
async fn an_idle_connection_ends_when_shutdown_is_signalled() {
    // Twice: once with a shutdown message, once with the Sender dropped.
    for by_dropping in [false, true] {
        let how = if by_dropping {
            "its Sender dropped"
        } else {
            "a message sent"
        };
        let (notify, shutdown) = broadcast::channel::<()>(1);
        tokio::spawn(async move {
            sleep(ms(1000)).await;
            if !by_dropping {
                let _ = notify.send(());
            }
            drop(notify);
        });
        let what = format!(
            "a client that sends `GET a` and then waits 10s in silence, with shutdown \
             ({how}) at 1s"
        );
        let mock = Builder::new()
            .name("client")
            .read(b"GET a\n")
            .write(b"NIL\n")
            .wait(Duration::from_secs(10))
            .build();
        let watch = Stopwatch::start();
        let (result, got) = scripted(&what, mock, "NIL\n", |reader, writer| {
            handle_connection(reader, writer, Db::new(), shutdown)
        })
        .await;
        assert_replies(&what, &result, &got, "NIL\n");
        watch.assert_elapsed(
            ms(1000),
            &what,
            "While it waits for the next command, a connection must also wait for the \
             shutdown broadcast, and return as soon as it comes (a message, or the \
             channel closing because its Sender was dropped): tokio::select! between \
             shutdown.recv() and the next line. 10s means it only noticed when the client \
             hung up.",
        );
    }
    assert_no_leaked_tasks("both sessions ended").await;
}

// ---------------------------------------------------------------------------
// Accepting with a backoff.

/// A listener whose accepts fail or succeed as scripted, logging each
/// attempt at its virtual time. When the script runs out, every accept
/// fails.
struct ScriptedListener {
    outcomes: VecDeque<bool>,
    attempts: usize,
    log: EventLog,
}

impl Listener for ScriptedListener {
    type Conn = DuplexStream;

    async fn accept(&mut self) -> io::Result<DuplexStream> {
        self.attempts += 1;
        if self.outcomes.pop_front().unwrap_or(false) {
            self.log
                .record(format!("accept attempt {}: a connection", self.attempts));
            Ok(tokio::io::duplex(64).0)
        } else {
            self.log.record(format!(
                "accept attempt {}: failed (too many open files)",
                self.attempts
            ));
            Err(io::Error::other("too many open files"))
        }
    }
}

/// Virtual time in which even the slowest correct backoff (127s) is done.
const BACKOFF_GUARD: Duration = Duration::from_secs(300);

/// Awaits `fut`, failing if it is still retrying after [`BACKOFF_GUARD`].
async fn until_it_gives_up<F: std::future::Future>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(BACKOFF_GUARD, fut).await {
        Ok(output) => output,
        Err(_) => panic!(
            "{what} was still retrying after {} of virtual time. The waits double (1, 2, \
             4, ... 64s), and when the attempt after the 64s wait fails too, \
             accept_with_backoff must give up and return that error (at 127s): a backoff \
             that never gives up keeps a broken server waiting forever.",
            fmt_duration(BACKOFF_GUARD)
        ),
    }
}

#[tokio::test(start_paused = true)]
async fn accept_retries_with_a_doubling_backoff() {
    let log = EventLog::new();
    let mut listener = ScriptedListener {
        outcomes: VecDeque::from([false, false, false, true]),
        attempts: 0,
        log: log.clone(),
    };
    let accepted = until_it_gives_up(
        "accept_with_backoff (three failures, then a connection)",
        accept_with_backoff(&mut listener),
    )
    .await;
    log.record(match &accepted {
        Ok(_) => "accept_with_backoff returned the connection".to_string(),
        Err(e) => format!("accept_with_backoff returned Err({e})"),
    });
    insta::with_settings!({
        description => "accept_with_backoff on a listener that fails three times and then \
            has a connection. After a failure it waits 1s, then 2s, then 4s (tokio's sleep, \
            so the times are exact virtual ms): attempts at 0, 1000, 3000 and 7000ms.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("backoff_then_success", log.to_string());
    });
}

#[tokio::test(start_paused = true)]
async fn accept_gives_up_after_the_64s_wait() {
    let log = EventLog::new();
    let mut listener = ScriptedListener {
        outcomes: VecDeque::new(),
        attempts: 0,
        log: log.clone(),
    };
    let accepted = until_it_gives_up(
        "accept_with_backoff on a listener whose accepts always fail",
        accept_with_backoff(&mut listener),
    )
    .await;
    log.record(match &accepted {
        Ok(_) => "accept_with_backoff returned a connection".to_string(),
        Err(e) => format!("accept_with_backoff gave up: Err({e})"),
    });
    insta::with_settings!({
        description => "accept_with_backoff on a listener whose accepts always fail. The \
            waits double from 1s to 64s; the attempt after the 64s wait is the last, and its \
            error is returned: eight attempts, giving up at 127000ms.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("backoff_gives_up", log.to_string());
    });
}

// ---------------------------------------------------------------------------
// serve, with in-memory connections.

/// A listener that hands out the server ends of in-memory connections that
/// the test opens with [`Clients::connect`], and counts what it accepted.
struct FakeListener {
    incoming: mpsc::UnboundedReceiver<DuplexStream>,
    accepted: Arc<AtomicUsize>,
}

impl Listener for FakeListener {
    type Conn = DuplexStream;

    async fn accept(&mut self) -> io::Result<DuplexStream> {
        match self.incoming.recv().await {
            Some(conn) => {
                self.accepted.fetch_add(1, Ordering::SeqCst);
                Ok(conn)
            }
            // No more clients will come: wait like a quiet listener does.
            None => std::future::pending().await,
        }
    }
}

/// The test's side: opens connections to the fake listener.
struct Clients {
    connect: mpsc::UnboundedSender<DuplexStream>,
    accepted: Arc<AtomicUsize>,
}

/// A client: the client's end of an in-memory connection.
type Client = BufReader<DuplexStream>;

impl Clients {
    /// Opens a connection whose buffers hold `buffer` bytes each way.
    fn connect(&self, buffer: usize) -> Client {
        let (client, server) = tokio::io::duplex(buffer);
        self.connect
            .send(server)
            .expect("the fake listener is gone: serve dropped it");
        BufReader::new(client)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn fake_listener() -> (FakeListener, Clients) {
    let (connect, incoming) = mpsc::unbounded_channel();
    let accepted = Arc::new(AtomicUsize::new(0));
    (
        FakeListener {
            incoming,
            accepted: accepted.clone(),
        },
        Clients { connect, accepted },
    )
}

/// Sends one command and reads its reply line (without the `\n`).
async fn request(client: &mut Client, command: &str) -> String {
    client
        .write_all(format!("{command}\n").as_bytes())
        .await
        .expect("the connection was closed before the command could be sent");
    read_reply(client).await
}

async fn read_reply(client: &mut Client) -> String {
    let mut line = String::new();
    client
        .read_line(&mut line)
        .await
        .expect("the connection failed while reading a reply");
    line.trim_end_matches('\n').to_string()
}

/// Lets every task that can run, run (the paused clock moves 1ms).
async fn settle() {
    sleep(ms(1)).await;
}

#[tokio::test(start_paused = true)]
async fn the_connection_limit_holds_extra_clients_back() {
    let (listener, clients) = fake_listener();
    let db = Db::new();
    db.set("k", "v");
    let (stop, stopped) = oneshot::channel::<()>();
    // serve, polled by hand: the test sees exactly when it can make progress.
    let mut server = task::spawn(serve(listener, db, 2, async move {
        let _ = stopped.await;
    }));

    let mut a = clients.connect(64);
    let mut b = clients.connect(64);
    let mut c = clients.connect(64);
    assert_pending!(
        server.poll(),
        "serve returned while three clients were connecting and no shutdown was signalled"
    );
    settle().await;
    assert_eq!(
        clients.accepted(),
        2,
        "with max_connections = 2 and three clients connecting, serve accepted {} \
         connection(s). It must take a permit from the Semaphore *before* it accepts, so \
         that it accepts exactly 2 and the third client waits in the listener's backlog \
         until a slot is free.",
        clients.accepted()
    );

    let reply_a = no_hang("client a's `GET k`", request(&mut a, "GET k")).await;
    let reply_b = no_hang("client b's `GET k`", request(&mut b, "GET k")).await;
    assert_eq!(
        (reply_a.as_str(), reply_b.as_str()),
        ("VALUE v", "VALUE v"),
        "the two accepted clients sent `GET k` (k = v) and got {reply_a:?} and {reply_b:?}."
    );

    c.write_all(b"GET k\n")
        .await
        .expect("client c could not send");
    let mut waiting_c = task::spawn(read_reply(&mut c));
    settle().await;
    assert_pending!(
        waiting_c.poll(),
        "client c, the third client with max_connections = 2, was answered while a and b \
         were still connected: the limit does not hold. Acquire a permit before accepting \
         and keep it in the connection's task until the connection ends"
    );

    // Client a hangs up: its slot goes to client c.
    drop(a);
    settle().await;
    assert!(
        server.is_woken(),
        "client a hung up, which frees a slot, but serve was not woken up to accept client \
         c. The permit must be released when a's connection ends: move it into the \
         connection's task and drop it when the task finishes."
    );
    assert_pending!(
        server.poll(),
        "serve returned after client a hung up, with no shutdown signalled"
    );
    settle().await;
    assert_eq!(
        clients.accepted(),
        3,
        "after client a hung up, serve should have accepted client c (3 accepted in all), \
         but has accepted {}.",
        clients.accepted()
    );
    assert!(
        waiting_c.is_woken(),
        "client c was accepted, but no reply to its `GET k` arrived."
    );
    let reply_c = assert_ready!(
        waiting_c.poll(),
        "client c was accepted, but no reply to its `GET k` arrived"
    );
    assert_eq!(
        reply_c, "VALUE v",
        "client c sent `GET k` (k = v) and got {reply_c:?}."
    );

    drop(waiting_c);
    stop.send(()).ok();
    let returned = no_hang("serve (after the shutdown signal)", server).await;
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    drop((b, c));
    assert_no_leaked_tasks("serve returned").await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_the_reply_in_flight_and_closes_every_connection() {
    let (listener, clients) = fake_listener();
    let db = Db::new();
    let big = "x".repeat(64);
    db.set("big", &big);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, db, 4, async move {
        let _ = stopped.await;
    }));

    // `busy` asks for a 70-byte reply through an 8-byte pipe and does not
    // read it yet: its connection is stuck writing the reply.
    let mut busy = clients.connect(8);
    let mut idle = clients.connect(64);
    busy.write_all(b"GET big\n")
        .await
        .expect("the busy client could not send");
    settle().await;

    stop.send(())
        .expect("serve dropped its shutdown future without waiting for it");
    settle().await;
    assert!(
        !server.is_finished(),
        "serve returned right after the shutdown signal, while a connection was still \
         writing its reply: it either did not wait for its connection tasks, or aborted \
         them (which cuts the reply off). Graceful shutdown tells every connection to stop \
         (the broadcast: each stops at its next command) and waits for all of them: each \
         task holds a clone of a completion Sender and drops it when it ends; serve drops \
         its own and waits until recv() returns None."
    );

    // Now the busy client reads: the whole reply, then the end.
    let mut everything = String::new();
    no_hang(
        "the busy client reading its reply, then waiting for the server to close the \
         connection,",
        busy.read_to_string(&mut everything),
    )
    .await
    .expect("the busy client's connection failed");
    let expected = format!("VALUE {big}\n");
    assert_eq!(
        everything,
        expected,
        "the busy client asked for `GET big` before the shutdown and received {:?} ({} \
         bytes) before its connection closed, expected the whole reply ({} bytes). A \
         command that was read is answered in full: do not abort the connection tasks at \
         shutdown, tell them to stop (the broadcast) and wait for them.",
        everything,
        everything.len(),
        expected.len()
    );

    let mut rest = String::new();
    no_hang(
        "the idle client waiting for the server to close its connection after shutdown",
        idle.read_to_string(&mut rest),
    )
    .await
    .expect("the idle client's connection failed");
    assert_eq!(
        rest, "",
        "the idle client received {rest:?} after shutdown, expected nothing."
    );

    let returned = no_hang("serve (after the shutdown signal)", server)
        .await
        .expect("serve panicked");
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    assert_no_leaked_tasks("serve returned").await;
}

#[tokio::test(start_paused = true)]
async fn serve_returns_the_error_when_accepting_fails_for_good() {
    let log = EventLog::new();
    let listener = ScriptedListener {
        outcomes: VecDeque::new(),
        attempts: 0,
        log,
    };
    let watch = Stopwatch::start();
    let returned = until_it_gives_up(
        "serve on a listener whose accepts always fail",
        serve(listener, Db::new(), 4, std::future::pending()),
    )
    .await;
    assert!(
        returned
            .as_ref()
            .is_err_and(|e| e.to_string() == "too many open files"),
        "serve on a listener whose accepts always fail returned {returned:?}, expected the \
         accept error (too many open files) once accept_with_backoff gives up."
    );
    watch.assert_elapsed(
        Duration::from_secs(127),
        "serve on a listener whose accepts always fail",
        "serve accepts with accept_with_backoff, which gives up at 127s (waits of 1, 2, 4, \
         ..., 64s), and then returns its error.",
    );
}

// ---------------------------------------------------------------------------
// End to end, on a real socket.

const END_TO_END_LIMIT: Duration = Duration::from_secs(3);

/// Reads one reply line from a real connection, under the shared deadline.
async fn real_request(
    deadline: tokio::time::Instant,
    conn: &mut BufReader<TcpStream>,
    command: &str,
) -> String {
    let exchange = async {
        conn.write_all(format!("{command}\n").as_bytes()).await?;
        let mut line = String::new();
        conn.read_line(&mut line).await?;
        io::Result::Ok(line)
    };
    match tokio::time::timeout_at(deadline, exchange).await {
        Ok(Ok(line)) => line.trim_end_matches('\n').to_string(),
        Ok(Err(e)) => panic!("the connection failed while sending `{command}`: {e}"),
        Err(_) => panic!(
            "no reply to `{command}` within {} of real time (a correct server needs a few \
             milliseconds). Is serve accepting and spawning a task per connection, and is \
             every reply flushed?",
            fmt_duration(END_TO_END_LIMIT)
        ),
    }
}

// No paused clock here: real sockets need the real clock.
#[tokio::test]
async fn a_real_client_sets_and_gets_over_tcp() {
    let deadline = tokio::time::Instant::now() + END_TO_END_LIMIT;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the test could not bind a listener on 127.0.0.1");
    let addr = listener.local_addr().expect("the listener has an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, Db::new(), 8, async move {
        let _ = stopped.await;
    }));

    let connect = |who: &'static str| async move {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(conn)) => BufReader::new(conn),
            Ok(Err(e)) => panic!("{who} could not connect to serve's listener: {e}"),
            Err(_) => panic!("{who} could not connect within the time limit"),
        }
    };
    let mut alice = connect("alice").await;
    let mut bob = connect("bob").await;
    let replies = [
        real_request(deadline, &mut alice, "SET greeting hello").await,
        real_request(deadline, &mut bob, "GET greeting").await,
        real_request(deadline, &mut bob, "SET greeting bonjour").await,
        real_request(deadline, &mut alice, "GET greeting").await,
        real_request(deadline, &mut alice, "GET nobody").await,
    ];
    assert_eq!(
        replies,
        ["OK", "VALUE hello", "OK", "VALUE bonjour", "NIL"],
        "over TCP, alice: `SET greeting hello`, bob: `GET greeting`, bob: `SET greeting \
         bonjour`, alice: `GET greeting`, alice: `GET nobody` got the replies {replies:?}. \
         Both connections must share one Db."
    );

    stop.send(())
        .expect("serve dropped its shutdown future without waiting for it");
    let returned = match tokio::time::timeout_at(deadline, server).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => panic!("serve panicked: {e}"),
        Err(_) => panic!(
            "serve did not return within {} of real time after the shutdown signal, with \
             two idle clients connected: the broadcast must stop idle connections, and \
             serve must wait for them on the completion channel (after dropping its own \
             Sender).",
            fmt_duration(END_TO_END_LIMIT)
        ),
    };
    assert!(
        returned.is_ok(),
        "serve returned {returned:?} after the shutdown signal, expected Ok(())."
    );
    for (who, conn) in [("alice", &mut alice), ("bob", &mut bob)] {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout_at(deadline, conn.read_to_end(&mut rest)).await;
        assert!(
            matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
            "{who}'s connection was not closed by the time serve returned ({closed:?})."
        );
    }
    assert_no_leaked_tasks("serve returned").await;
}
