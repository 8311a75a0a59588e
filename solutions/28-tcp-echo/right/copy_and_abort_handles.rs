//! Right: handle is `tokio::io::copy` (which flushes whenever the reader has nothing more for it); serve keeps plain JoinHandles in a Vec inside a guard that aborts them when dropped, an unbiased select! on a boxed shutdown future, and aborts and awaits every handle before returning.

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncWrite, BufWriter};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub async fn handle<R, W>(mut reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    tokio::io::copy(&mut reader, &mut writer).await
}

/// Aborts every task it holds when it is dropped (serve returning, or its
/// future being dropped by the caller).
struct Connections(Vec<JoinHandle<()>>);

impl Drop for Connections {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut shutdown = Box::pin(shutdown);
    let mut connections = Connections(Vec::new());
    let tasks = &mut connections.0;
    let outcome = loop {
        let accepted = tokio::select! {
            _ = shutdown.as_mut() => break Ok(()),
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                tasks.retain(|task| !task.is_finished());
                let (r, w) = stream.into_split();
                tasks.push(tokio::spawn(async move {
                    if let Err(e) = handle(r, BufWriter::new(w)).await {
                        eprintln!("connection ended with {e}");
                    }
                }));
            }
            Err(e) => break Err(e),
        }
    };
    for task in tasks.iter() {
        task.abort();
    }
    for task in tasks.iter_mut() {
        let _ = task.await;
    }
    outcome
}
