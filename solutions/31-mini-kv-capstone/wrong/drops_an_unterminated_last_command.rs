//! Wrong: handle_connection takes only complete lines (ending in `\n`) as commands, so a last command cut off by end of file (`printf 'GET k' | nc ..`) is dropped without a reply.
//! Caught by: a_last_command_without_a_newline_is_answered_at_end_of_file

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast, mpsc};

pub trait Listener: Send + 'static {
    type Conn: AsyncRead + AsyncWrite + Send + Unpin + 'static;
    fn accept(&mut self) -> impl Future<Output = io::Result<Self::Conn>> + Send;
}

impl Listener for TcpListener {
    type Conn = TcpStream;

    async fn accept(&mut self) -> io::Result<TcpStream> {
        let (stream, _peer) = TcpListener::accept(self).await?;
        Ok(stream)
    }
}

pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(64);

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
        self.entries
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

fn reply(db: &Db, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["GET", key] => match db.get(key) {
            Some(v) => format!("VALUE {v}\n"),
            None => "NIL\n".to_string(),
        },
        ["SET", key, value] => {
            db.set(key, value);
            "OK\n".to_string()
        }
        _ => "ERR unknown command\n".to_string(),
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
    let mut buf = Vec::new();
    loop {
        let n = tokio::select! {
            biased;
            _ = shutdown.recv() => return Ok(()),
            n = reader.read_until(b'\n', &mut buf) => n?,
        };
        // The mistake: a line without its `\n` is taken for a torn fragment,
        // but at end of file it is the client's last command.
        if n == 0 || !buf.ends_with(b"\n") {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&buf[..buf.len() - 1]).into_owned();
        buf.clear();
        let line = line.strip_suffix('\r').unwrap_or(&line);
        writer.write_all(reply(&db, line).as_bytes()).await?;
        writer.flush().await?;
    }
}

pub async fn accept_with_backoff<L: Listener>(listener: &mut L) -> io::Result<L::Conn> {
    let mut backoff = FIRST_BACKOFF;
    loop {
        match listener.accept().await {
            Ok(c) => return Ok(c),
            Err(e) if backoff > MAX_BACKOFF => return Err(e),
            Err(_) => {}
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}

async fn accept_loop<L: Listener>(
    listener: &mut L,
    db: &Db,
    limit: &Arc<Semaphore>,
    notify: &broadcast::Sender<()>,
    done: &mpsc::Sender<()>,
) -> io::Result<()> {
    loop {
        let permit = limit.clone().acquire_owned().await.unwrap();
        let conn = accept_with_backoff(listener).await?;
        let (r, w) = tokio::io::split(conn);
        let db = db.clone();
        let rx = notify.subscribe();
        let done = done.clone();
        tokio::spawn(async move {
            let _ = handle_connection(r, w, db, rx).await;
            drop(permit);
            drop(done);
        });
    }
}

pub async fn serve<L: Listener>(
    mut listener: L,
    db: Db,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let limit = Arc::new(Semaphore::new(max_connections));
    let (notify, _) = broadcast::channel(1);
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    let result = tokio::select! {
        biased;
        () = shutdown => Ok(()),
        r = accept_loop(&mut listener, &db, &limit, &notify, &done_tx) => r,
    };
    drop(notify);
    drop(done_tx);
    let _ = done_rx.recv().await;
    result
}
