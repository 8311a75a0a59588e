//! Wrong: handle turns every chunk into text with `String::from_utf8_lossy` before writing it back, so binary data (bytes that are not UTF-8) is echoed changed.
//! Caught by: echoes_irregular_bytes_exactly_and_at_once

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
        // BUG: the bytes are not text; invalid UTF-8 becomes U+FFFD.
        let text = String::from_utf8_lossy(&buf[..n]).to_string();
        writer.write_all(text.as_bytes()).await?;
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
