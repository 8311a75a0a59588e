//! Wrong: reads commands with `while let Ok(Some(line))`, so a read error ends the connection as if the client had hung up, with `Ok(())` instead of the error.
//! Caught by: an_io_error_ends_the_connection_with_that_error

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, Semaphore};

/// Where connections come from: a `TcpListener` in production, a fake one
/// in the tests (so that they can run on the paused clock).
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
        // A std Mutex is right here: the critical section is one map
        // operation, with no `.await` inside, so it never blocks the thread
        // for long and the guard (a temporary) is gone at the `;`.
        self.entries.lock().unwrap().get(key).cloned()
    }

    /// Sets `key` to `value`, replacing any previous value.
    pub fn set(&self, key: &str, value: &str) {
        self.entries
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

/// Serves one connection until the client hangs up or shutdown comes.
pub async fn handle_connection<R, W>(
    reader: R,
    mut writer: W,
    db: Db,
    mut shutdown: broadcast::Receiver<()>,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut lines = BufReader::new(reader).lines();
    loop {
        // Waiting for the next command is the moment to notice shutdown.
        // `biased;` with shutdown first: once the signal has come, no new
        // command is taken, even if one is already waiting. `next_line` is
        // cancel safe (a half-read line stays in the BufReader), and we
        // return anyway when it loses.
        let line = tokio::select! {
            biased;
            // A message, or `Closed` when the Sender is dropped: both mean
            // stop. (`Lagged` cannot happen with one message, and would
            // mean the same.)
            _ = shutdown.recv() => return Ok(()),
            // BUG: an error is taken for the end of the connection.
            line = lines.next_line() => line.unwrap_or(None),
        };
        let Some(line) = line else {
            // End of file: the client hung up.
            return Ok(());
        };
        let reply = execute(&db, &line);
        // A command read is a command answered: shutdown is not checked
        // again until the reply is written, however long the client takes
        // to read it.
        writer.write_all(reply.as_bytes()).await?;
        // The client waits for this reply before it sends more: a buffered
        // writer must be flushed now.
        writer.flush().await?;
    }
}

/// Runs one command against the store and returns its reply line.
fn execute(db: &Db, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["SET", key, value] => {
            db.set(key, value);
            "OK\n".to_string()
        }
        ["GET", key] => match db.get(key) {
            Some(value) => format!("VALUE {value}\n"),
            None => "NIL\n".to_string(),
        },
        _ => "ERR unknown command\n".to_string(),
    }
}

/// Accepts the next connection, retrying failed accepts with a doubling
/// backoff, and gives up after the 64s wait.
pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    // Accept errors are usually temporary (too many open files, a
    // connection reset before it was accepted): waiting a little and
    // trying again is better than taking the server down. Doubling the
    // wait keeps a persistent problem from turning into a busy loop.
    let mut backoff = FIRST_BACKOFF;
    loop {
        match listener.accept().await {
            Ok(conn) => return Ok(conn),
            Err(error) if backoff > MAX_BACKOFF => return Err(error),
            Err(_) => {}
        }
        // tokio's sleep: the task parks, the thread serves the open
        // connections meanwhile (and the tests' paused clock skips ahead).
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}

/// Serves connections until `shutdown`, at most `max_connections` at once,
/// and shuts down gracefully.
pub async fn serve<L: Listener>(
    mut listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let limit = Arc::new(Semaphore::new(max_connections));
    // "Stop", out to every connection: each task subscribes; dropping this
    // Sender closes the channel, and every `recv()` returns at once.
    let (notify_shutdown, _) = broadcast::channel::<()>(1);
    // "Done", back from every connection: nobody ever sends on it. Each task
    // holds a clone of the Sender and drops it when it ends, so `recv()`
    // returns `None` exactly when the last task is gone.
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);

    // The accept loop runs until the signal (it is dropped right there,
    // mid-wait: waiting for a permit, for a connection or in a backoff sleep
    // are all safe to cancel) or until accepting fails for good.
    let result = tokio::select! {
        biased;
        () = shutdown => Ok(()),
        result = accept_loop(&mut listener, &limit, &db, &notify_shutdown, &done_tx) => result,
    };

    // Graceful shutdown, whichever way we got here. Each connection sees
    // the closed broadcast at its next command boundary: an idle one stops
    // at once, a busy one finishes the command it is answering.
    drop(notify_shutdown);
    // Our own Sender must go too, or `recv()` would wait for it forever.
    drop(done_tx);
    // `None` once every connection task has dropped its Sender: all done.
    let _ = done_rx.recv().await;
    result
}

/// Takes a permit, accepts, and hands the connection to its own task,
/// forever; returns only when accepting has failed for good.
async fn accept_loop<L: Listener>(
    listener: &mut L,
    limit: &Arc<Semaphore>,
    db: &Db,
    notify_shutdown: &broadcast::Sender<()>,
    done_tx: &mpsc::Sender<()>,
) -> io::Result<()> {
    loop {
        // The permit first: with every slot taken, the next client waits in
        // the listener's backlog instead of being accepted and then ignored.
        // The semaphore is never closed, so `acquire_owned` cannot fail.
        let permit = limit.clone().acquire_owned().await.unwrap();
        let conn = accept_with_backoff(listener).await?;
        let (reader, writer) = tokio::io::split(conn);
        let db = db.clone();
        let shutdown = notify_shutdown.subscribe();
        let done = done_tx.clone();
        tokio::spawn(async move {
            // An I/O error ends this connection only.
            let _ = handle_connection(reader, writer, db, shutdown).await;
            // The slot is free again, and this task is done: both are
            // announced by dropping, when the task ends.
            drop(permit);
            drop(done);
        });
    }
}
