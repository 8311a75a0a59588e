//! Right: mini-redis's own layout: a `Shutdown` helper that remembers the signal, a `Handler` struct per connection with a `run` method, a `Server` struct that owns the limit and both channels, and a backoff loop counting its attempts.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, Lines};
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

    pub fn get(&self, key: &str) -> Option<String> {
        let guard = self.entries.lock().unwrap();
        let value = guard.get(key).cloned();
        drop(guard);
        value
    }

    pub fn set(&self, key: &str, value: &str) {
        let mut guard = self.entries.lock().unwrap();
        guard.insert(key.to_string(), value.to_string());
    }
}

/// Listens for the shutdown signal, and remembers it once it has come.
struct Shutdown {
    seen: bool,
    notify: broadcast::Receiver<()>,
}

impl Shutdown {
    async fn recv(&mut self) {
        if !self.seen {
            let _ = self.notify.recv().await;
            self.seen = true;
        }
    }
}

enum Command<'a> {
    Get(&'a str),
    Set(&'a str, &'a str),
    Unknown,
}

impl<'a> Command<'a> {
    fn parse(line: &'a str) -> Command<'a> {
        let words: Vec<&'a str> = line.split_whitespace().collect();
        match words.len() {
            2 if words[0] == "GET" => Command::Get(words[1]),
            3 if words[0] == "SET" => Command::Set(words[1], words[2]),
            _ => Command::Unknown,
        }
    }

    fn apply(self, db: &Db) -> String {
        match self {
            Command::Get(key) => match db.get(key) {
                Some(value) => format!("VALUE {value}\n"),
                None => "NIL\n".into(),
            },
            Command::Set(key, value) => {
                db.set(key, value);
                "OK\n".into()
            }
            Command::Unknown => "ERR unknown command\n".into(),
        }
    }
}

struct Handler<R, W> {
    lines: Lines<BufReader<R>>,
    writer: W,
    db: Db,
    shutdown: Shutdown,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Handler<R, W> {
    async fn run(&mut self) -> io::Result<()> {
        while !self.shutdown.seen {
            let maybe_line = tokio::select! {
                biased;
                () = self.shutdown.recv() => return Ok(()),
                line = self.lines.next_line() => line?,
            };
            let Some(line) = maybe_line else {
                return Ok(());
            };
            let reply = Command::parse(&line).apply(&self.db);
            self.writer.write_all(reply.as_bytes()).await?;
            self.writer.flush().await?;
        }
        Ok(())
    }
}

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
    let mut handler = Handler {
        lines: BufReader::new(reader).lines(),
        writer,
        db,
        shutdown: Shutdown {
            seen: false,
            notify: shutdown,
        },
    };
    handler.run().await
}

pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    let mut backoff = FIRST_BACKOFF;
    let mut attempts = 0;
    loop {
        attempts += 1;
        match listener.accept().await {
            Ok(conn) => return Ok(conn),
            Err(err) => {
                if backoff > MAX_BACKOFF {
                    debug_assert_eq!(attempts, 8);
                    return Err(err);
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff += backoff;
    }
}

struct Server<L> {
    listener: L,
    db: Db,
    limit: Arc<Semaphore>,
    notify_shutdown: broadcast::Sender<()>,
    shutdown_complete_tx: mpsc::Sender<()>,
}

impl<L: Listener> Server<L> {
    async fn run(&mut self) -> io::Result<()> {
        loop {
            let permit = self.limit.clone().acquire_owned().await.unwrap();
            let conn = accept_with_backoff(&mut self.listener).await?;
            let (reader, writer) = tokio::io::split(conn);
            let db = self.db.clone();
            let shutdown = self.notify_shutdown.subscribe();
            let complete = self.shutdown_complete_tx.clone();
            tokio::spawn(async move {
                if let Err(error) = handle_connection(reader, writer, db, shutdown).await {
                    eprintln!("connection error: {error}");
                }
                drop(permit);
                drop(complete);
            });
        }
    }
}

pub async fn serve<L: Listener>(
    listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (notify_shutdown, _) = broadcast::channel(1);
    let (shutdown_complete_tx, mut shutdown_complete_rx) = mpsc::channel::<()>(1);
    let mut server = Server {
        listener,
        db,
        limit: Arc::new(Semaphore::new(max_connections)),
        notify_shutdown,
        shutdown_complete_tx,
    };
    let result = tokio::select! {
        biased;
        _ = shutdown => Ok(()),
        res = server.run() => res,
    };
    let Server {
        notify_shutdown,
        shutdown_complete_tx,
        ..
    } = server;
    drop(notify_shutdown);
    drop(shutdown_complete_tx);
    let _ = shutdown_complete_rx.recv().await;
    result
}
