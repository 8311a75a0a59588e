//! Wrong: keeps the connection tasks as JoinHandles in a Vec and aborts them all when the shutdown signal comes, but when the caller drops serve's future instead, the Vec is dropped, which only detaches the tasks: the connections stay open.
//! Caught by: dropping_serve_closes_every_connection

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

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut shutdown = Box::pin(shutdown);
    // BUG: plain JoinHandles: dropped with serve's future, they detach.
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
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
