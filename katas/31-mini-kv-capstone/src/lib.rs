//! Kata 31: mini-kv, the capstone.
//!
//! A small key-value server with a line protocol (`SET k v`, `GET k`), put
//! together from the pieces of the earlier katas the way mini-redis puts
//! them together:
//!
//! - `Db`: the shared store, a `std::sync::Mutex` around a `HashMap`;
//! - `handle_connection`: the protocol, generic over any reader and writer,
//!   which stops taking commands when the shutdown broadcast arrives;
//! - `accept_with_backoff`: accepting a connection, retrying with a
//!   doubling backoff when accepting fails;
//! - `serve`: the accept loop, limited to `max_connections` connections at
//!   once by a `Semaphore`, with a graceful shutdown: a broadcast tells
//!   every connection to stop, a completion channel says when the last one
//!   has.
//!
//! `Listener` (where connections come from) is given, with its
//! implementation for `TcpListener`. Fill in every `todo!()`. README.md
//! gives the exact protocol and what each test checks.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

/// Where connections come from: a `TcpListener` in production, a fake one
/// in the tests (so that they can run on the paused clock).
///
/// Given to you: do not change it.
pub trait Listener: Send + 'static {
    /// One accepted connection.
    type Conn: AsyncRead + AsyncWrite + Send + Unpin + 'static;

    /// Waits for the next connection.
    fn accept(&mut self) -> impl Future<Output = io::Result<Self::Conn>> + Send;
}

impl Listener for TcpListener {
    type Conn = TcpStream;

    async fn accept(&mut self) -> io::Result<TcpStream> {
        let (stream, _peer) = TcpListener::accept(self).await?;
        Ok(stream)
    }
}

/// The first wait after a failed accept; it doubles after every failure.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait: if the accept after this wait fails too, give up.
pub const MAX_BACKOFF: Duration = Duration::from_secs(64);

/// The shared store. Cloning a `Db` gives another handle to the same data.
#[derive(Debug, Clone, Default)]
pub struct Db {
    entries: Arc<Mutex<HashMap<String, String>>>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    /// The value of `key`, if it is set.
    pub fn get(&self, key: &str) -> Option<String> {
        // Lock, look up, clone the value out: the guard must not outlive
        // this function (and never live across an `.await`).
        let _ = (&self.entries, key);
        todo!("look the key up under the lock")
    }

    /// Sets `key` to `value`, replacing any previous value.
    pub fn set(&self, key: &str, value: &str) {
        let _ = (&self.entries, key, value);
        todo!("insert under the lock")
    }
}

/// Serves one connection: reads commands, one per line, and writes one
/// reply line for each, until the client hangs up or shutdown is signalled.
///
/// - `SET <key> <value>` stores the value and replies `OK`.
/// - `GET <key>` replies `VALUE <value>`, or `NIL` if the key is not set.
/// - Any other line (wrong command, wrong number of words) replies
///   `ERR unknown command`, and the connection goes on.
/// - Flush after every reply: the writer may be buffered.
/// - Shutdown is a message on `shutdown`, or its `Sender` being dropped.
///   While waiting for the next command, also wait for shutdown; once it has
///   come, take no new command and return `Ok(())`. A command already read
///   is always answered first.
/// - End of file returns `Ok(())`; an I/O error returns that error.
pub async fn handle_connection<R, W>(
    reader: R,
    writer: W,
    db: Db,
    shutdown: broadcast::Receiver<()>,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // `BufReader::new(reader).lines()`, and `tokio::select!` (biased, the
    // shutdown first) between `shutdown.recv()` and `lines.next_line()`.
    let _ = (&reader, &writer, &db, &shutdown);
    todo!("read a command, answer it, repeat; stop on shutdown")
}

/// Accepts the next connection. When accepting fails, waits `FIRST_BACKOFF`
/// and tries again, doubling the wait after every failure (1s, 2s, 4s, ...
/// 64s); if the attempt after the 64s wait fails too, returns its error.
pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    let _ = listener;
    todo!("accept, retrying with a doubling backoff")
}

/// Accepts connections (with `accept_with_backoff`) and serves each one
/// with `handle_connection` in its own task, until `shutdown` completes.
///
/// - At most `max_connections` connections are served at once: wait for a
///   free slot (a `Semaphore` permit) *before* accepting, and hold it until
///   the connection's task ends.
/// - When `shutdown` completes: stop accepting, tell every connection to
///   stop (a `broadcast` channel), and wait until every connection task has
///   finished (a completion channel whose `recv()` returns `None` once the
///   last task's `Sender` is dropped). Then return `Ok(())`.
/// - If `accept_with_backoff` gives up, shut down the same way and return
///   its error.
pub async fn serve<L: Listener>(
    listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let _ = (&listener, &db, max_connections, &shutdown);
    todo!("the accept loop, the connection limit and the graceful shutdown")
}
