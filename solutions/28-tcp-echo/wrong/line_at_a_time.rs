//! Wrong: handle reads the connection line by line (`BufReader::lines`) and echoes each line with a newline, so bytes without a newline are never echoed and binary data is refused as invalid UTF-8.
//! Caught by: echoes_irregular_bytes_exactly_and_at_once, a_read_error_ends_handle_with_that_error

use std::future::Future;
use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// Echoes everything read from `reader` back to `writer`, until `reader`
/// reaches end of file. Returns how many bytes were echoed.
pub async fn handle<R, W>(reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // BUG: an echo is not a line protocol: this waits for a newline before
    // echoing, and only accepts UTF-8.
    let mut lines = BufReader::new(reader).lines();
    let mut total = 0u64;
    while let Some(line) = lines.next_line().await? {
        writer.write_all(line.as_bytes()).await?;
        writer.write_all(b"\n").await?;
        writer.flush().await?;
        total += line.len() as u64 + 1;
    }
    Ok(total)
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
