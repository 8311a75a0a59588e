//! Wrong: `handle` treats a read error of kind `UnexpectedEof` as the client hanging up and returns `Ok(n)` instead of the error (the tests inject ConnectionReset and BrokenPipe, which are still returned).
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
    let mut buf = [0u8; 4096];
    let mut echoed = 0u64;
    loop {
        let n = match reader.read(&mut buf).await {
            Ok(n) => n,
            // The stream ended early: that is just the client going away.
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => 0,
            Err(error) => return Err(error),
        };
        if n == 0 {
            return Ok(echoed);
        }
        writer.write_all(&buf[..n]).await?;
        writer.flush().await?;
        echoed += n as u64;
    }
}

/// Accepts connections on `listener` and echoes each one with `handle`, in
/// its own task, until `shutdown` completes.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (socket, _peer) = accepted?;
                let (reader, writer) = socket.into_split();
                connections.spawn(async move {
                    let _ = handle(reader, BufWriter::new(writer)).await;
                });
            }
            Some(_finished) = connections.join_next() => {}
        }
    }
    connections.shutdown().await;
    Ok(())
}
