//! Right: handle is `tokio::io::copy` (which flushes whenever the reader has nothing more for it); serve keeps plain JoinHandles in a Vec, an unbiased select! on a boxed shutdown future, and aborts every handle before returning.

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncWrite, BufWriter};
use tokio::net::TcpListener;

pub async fn handle<R, W>(mut reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    tokio::io::copy(&mut reader, &mut writer).await
}

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut shutdown = Box::pin(shutdown);
    let mut tasks = Vec::new();
    let outcome = loop {
        let accepted = tokio::select! {
            _ = shutdown.as_mut() => break Ok(()),
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                tasks.retain(|task: &tokio::task::JoinHandle<()>| !task.is_finished());
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
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }
    outcome
}
