//! Right: a slice pattern with `if let` chains on the words, an Option<Duration> backoff that runs out, and serve waiting for its connections by taking back every permit of the Semaphore (`acquire_many`), which returns exactly when the last connection has released its own.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, Semaphore};

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
        self.entries.lock().unwrap().get(key).cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.entries.lock().unwrap().insert(key, value);
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
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = tokio::select! {
        biased;
        _ = shutdown.recv() => None,
        next = lines.next_line() => next?,
    } {
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = if let ["SET", key, value] = words[..] {
            db.set(key, value);
            "OK".to_string()
        } else if let ["GET", key] = words[..] {
            match db.get(key) {
                Some(value) => format!("VALUE {value}"),
                None => "NIL".to_string(),
            }
        } else {
            "ERR unknown command".to_string()
        };
        writer.write_all(format!("{reply}\n").as_bytes()).await?;
        writer.flush().await?;
    }
    Ok(())
}

pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    let mut next_wait = Some(FIRST_BACKOFF);
    loop {
        let error = match listener.accept().await {
            Ok(conn) => return Ok(conn),
            Err(error) => error,
        };
        let Some(wait) = next_wait else {
            return Err(error);
        };
        tokio::time::sleep(wait).await;
        next_wait = (wait < MAX_BACKOFF).then(|| wait * 2);
    }
}

pub async fn serve<L: Listener>(
    mut listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(max_connections));
    let (notify, _) = broadcast::channel(1);
    let result = {
        let accept_loop = async {
            loop {
                let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
                let conn = accept_with_backoff(&mut listener).await?;
                let (reader, writer) = tokio::io::split(conn);
                let db = db.clone();
                let stop = notify.subscribe();
                tokio::spawn(async move {
                    let _ = handle_connection(reader, writer, db, stop).await;
                    drop(permit);
                });
            }
        };
        tokio::select! {
            biased;
            () = shutdown => Ok(()),
            failed = accept_loop => failed,
        }
    };
    drop(notify);
    // Every connection holds one permit until its task ends: getting all of
    // them back means every connection is done.
    let _all = permits.acquire_many(max_connections as u32).await.unwrap();
    result
}
