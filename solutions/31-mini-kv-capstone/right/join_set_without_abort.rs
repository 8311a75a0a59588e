//! Right: read_line into a String that is cleared each turn; words matched with a tuple of iterator calls; the backoff as a `for` over eight attempts; serve keeps its connection tasks in a JoinSet and, at shutdown, drops the broadcast Sender and joins them all (no completion channel, nothing aborted).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, Semaphore};
use tokio::task::JoinSet;

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

    pub fn get(&self, key: &str) -> Option<String> {
        let entries = self.entries.lock().expect("poisoned");
        entries.get(key).map(String::from)
    }

    pub fn set(&self, key: &str, value: &str) {
        let mut entries = self.entries.lock().expect("poisoned");
        entries.insert(key.into(), value.into());
    }
}

fn reply_to(db: &Db, line: &str) -> String {
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("GET"), Some(key), None, None) => db
            .get(key)
            .map_or_else(|| "NIL\n".to_string(), |v| format!("VALUE {v}\n")),
        (Some("SET"), Some(key), Some(value), None) => {
            db.set(key, value);
            String::from("OK\n")
        }
        _ => String::from("ERR unknown command\n"),
    }
}

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
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    loop {
        line.clear();
        let read = tokio::select! {
            biased;
            _ = shutdown.recv() => break,
            read = reader.read_line(&mut line) => read?,
        };
        if read == 0 {
            break;
        }
        let reply = reply_to(&db, &line);
        writer.write_all(reply.as_bytes()).await?;
        writer.flush().await?;
    }
    Ok(())
}

pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    let mut last_error = None;
    for attempt in 0..8u32 {
        if attempt > 0 {
            tokio::time::sleep(FIRST_BACKOFF * (1 << (attempt - 1))).await;
        }
        match listener.accept().await {
            Ok(conn) => return Ok(conn),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.expect("eight attempts failed"))
}

pub async fn serve<L: Listener>(
    mut listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(max_connections));
    let (stop, _) = broadcast::channel::<()>(1);
    let mut connections = JoinSet::new();
    let accepting = async {
        loop {
            let slot = slots.clone().acquire_owned().await.expect("never closed");
            let conn = accept_with_backoff(&mut listener).await?;
            let (r, w) = tokio::io::split(conn);
            let (db, stopped) = (db.clone(), stop.subscribe());
            connections.spawn(async move {
                let _slot = slot;
                let _ = handle_connection(r, w, db, stopped).await;
            });
        }
    };
    let outcome: io::Result<()> = tokio::select! {
        biased;
        _ = shutdown => Ok(()),
        failed = accepting => failed,
    };
    drop(stop);
    while connections.join_next().await.is_some() {}
    outcome
}
