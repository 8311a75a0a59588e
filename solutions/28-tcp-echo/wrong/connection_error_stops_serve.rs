//! Wrong: serve reaps finished connections with `?` on their results, so one client that resets its connection makes serve return that error and drop every other client.
//! Caught by: serve_echoes_every_client_at_once_and_stops_on_shutdown

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

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
    let mut connections: JoinSet<io::Result<u64>> = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (socket, _) = accepted?;
                let (reader, writer) = socket.into_split();
                connections.spawn(handle(reader, BufWriter::new(writer)));
            }
            Some(finished) = connections.join_next() => {
                // BUG: one connection's error ends the whole server.
                finished.expect("a connection task panicked")?;
            }
        }
    }
    connections.shutdown().await;
    Ok(())
}
