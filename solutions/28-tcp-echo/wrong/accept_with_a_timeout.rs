//! Wrong: serve races the shutdown signal against an accept wrapped in a 50ms `timeout` (so that "the loop never blocks"), so it wakes up twenty times a second while nothing happens.
//! Caught by: serve_sleeps_while_idle_and_stops_the_moment_it_is_told

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
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            // BUG: the timeout wakes serve every 50ms while nothing happens.
            accepted = tokio::time::timeout(std::time::Duration::from_millis(50), listener.accept()) => {
                let Ok(accepted) = accepted else { continue };
                let (socket, _) = accepted?;
                let (reader, writer) = socket.into_split();
                connections.spawn(async move {
                    let _ = handle(reader, BufWriter::new(writer)).await;
                });
            }
        }
    }
    connections.shutdown().await;
    Ok(())
}
