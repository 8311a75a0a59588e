//! Wrong: handle treats a failed read like the end of the stream and returns `Ok` with the count so far, so a connection reset is reported as a clean end.
//! Caught by: a_read_error_ends_handle_with_that_error

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
        // BUG: an error is not the end of the stream.
        let n = match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return Ok(total),
            Ok(n) => n,
        };
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
            accepted = listener.accept() => {
                let (socket, _) = accepted?;
                let (reader, writer) = socket.into_split();
                connections.spawn(async move {
                    let _ = handle(reader, BufWriter::new(writer)).await;
                });
            }
            Some(_) = connections.join_next() => {}
        }
    }
    connections.shutdown().await;
    Ok(())
}
