//! Wrong: flushes a reply only when no further complete command is already buffered ("pipelined commands: answer them all, then flush once"); a client that waits for each reply sees no difference, but pipelined replies are held back, and if the shutdown signal arrives between two buffered commands the connection returns with the earlier replies still unflushed in the writer and lost.
//! Caught by: commands_already_sent_are_not_taken_after_the_shutdown

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

/// The reply line to one command line.
fn reply_to(db: &Db, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["GET", key] => match db.get(key) {
            Some(value) => format!("VALUE {value}\n"),
            None => "NIL\n".to_string(),
        },
        ["SET", key, value] => {
            db.set(key, value);
            "OK\n".to_string()
        }
        _ => "ERR unknown command\n".to_string(),
    }
}

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, Semaphore};

/// Serves one connection: reads commands, one per line, and writes one
/// reply line for each, until the client hangs up or shutdown is signalled.
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
        let line = tokio::select! {
            biased;
            _ = shutdown.recv() => return Ok(()),
            line = lines.next_line() => line?,
        };
        let Some(line) = line else {
            return Ok(());
        };
        writer.write_all(reply_to(&db, &line).as_bytes()).await?;
        // Pipelined commands: answer them all, then flush once.
        if !lines.get_ref().buffer().contains(&b'\n') {
            writer.flush().await?;
        }
    }
}

/// Accepts the next connection. When accepting fails, waits `FIRST_BACKOFF`
/// and tries again, doubling the wait after every failure (1s, 2s, 4s, ...
/// 64s); if the attempt after the 64s wait fails too, returns its error.
pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    let mut backoff = FIRST_BACKOFF;
    loop {
        match listener.accept().await {
            Ok(conn) => return Ok(conn),
            Err(error) if backoff > MAX_BACKOFF => return Err(error),
            Err(_) => {}
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}

/// Accepts connections forever (with `accept_with_backoff`), at most
/// `limit` at once; returns only if accepting fails for good.
async fn accept_loop<L: Listener>(
    listener: &mut L,
    db: &Db,
    limit: &Arc<Semaphore>,
    notify_shutdown: &broadcast::Sender<()>,
    done: &mpsc::Sender<()>,
) -> io::Result<()> {
    loop {
        let permit = Arc::clone(limit)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let conn = accept_with_backoff(listener).await?;
        let (reader, writer) = tokio::io::split(conn);
        let db = db.clone();
        let shutdown = notify_shutdown.subscribe();
        let done = done.clone();
        tokio::spawn(async move {
            let _ = handle_connection(reader, writer, db, shutdown).await;
            drop(permit);
            drop(done);
        });
    }
}

/// Accepts connections (with `accept_with_backoff`) and serves each one
/// with `handle_connection` in its own task, until `shutdown` completes.
pub async fn serve<L: Listener>(
    mut listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (notify_shutdown, _) = broadcast::channel::<()>(1);
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    let limit = Arc::new(Semaphore::new(max_connections));
    let result = tokio::select! {
        biased;
        () = shutdown => Ok(()),
        result = accept_loop(&mut listener, &db, &limit, &notify_shutdown, &done_tx) => result,
    };
    drop(notify_shutdown);
    drop(done_tx);
    let _ = done_rx.recv().await;
    result
}
