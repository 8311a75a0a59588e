//! Wrong: serve keeps the JoinHandles of its connection tasks and, at shutdown, awaits them all, so it waits for every connected client to hang up instead of closing their connections.
//! Caught by: serve_echoes_every_client_at_once_and_stops_on_shutdown, serve_sleeps_while_idle_and_stops_the_moment_it_is_told

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpListener;

/// Echoes everything read from `reader` back to `writer`, until `reader`
/// reaches end of file. Returns how many bytes were echoed.
pub async fn handle<R, W>(mut reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = [0u8; 2048];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        writer.write_all(&buf[..n]).await?;
        writer.flush().await?;
        total += n as u64;
    }
}

/// Accepts connections on `listener` and echoes each one with `handle`, in
/// its own task, until `shutdown` completes.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut handles = Vec::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (socket, _) = accepted?;
                let (reader, writer) = socket.into_split();
                handles.push(tokio::spawn(async move {
                    let _ = handle(reader, BufWriter::new(writer)).await;
                }));
            }
        }
    }
    // BUG: waits for the clients to hang up, which silent clients never do.
    for connection in handles {
        let _ = connection.await;
    }
    Ok(())
}
