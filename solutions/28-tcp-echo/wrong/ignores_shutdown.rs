//! Wrong: serve never looks at the shutdown future, so it keeps accepting forever and never returns.
//! Caught by: serve_echoes_every_client_at_once_and_stops_on_shutdown, serve_sleeps_while_idle_and_stops_the_moment_it_is_told

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
    let mut buf = vec![0u8; 4096];
    let mut echoed = 0u64;
    loop {
        // `read` returns as soon as *some* bytes are available, however few:
        // exactly what an echo needs. `read_exact` or `read_to_end` would
        // wait for more than the client may ever send before it hears back.
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            // End of file: the client hung up its sending side.
            return Ok(echoed);
        }
        // `write` may write only part of a slice; `write_all` loops until
        // all of it is written. Only the `n` bytes just read are echoed.
        writer.write_all(&buf[..n]).await?;
        // A buffered writer (serve uses a BufWriter) keeps small writes in
        // memory until its buffer is full. The client is waiting for this
        // echo before it sends more, so push it out now; on an unbuffered
        // writer, flush is free.
        writer.flush().await?;
        echoed += n as u64;
    }
}

/// Accepts connections on `listener` and echoes each one with `handle`, in
/// its own task, until `shutdown` completes.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    // BUG: the shutdown signal is never awaited: serve accepts forever.
    drop(shutdown);
    let mut connections = JoinSet::new();
    loop {
        let (socket, _peer) = listener.accept().await?;
        let (reader, writer) = socket.into_split();
        connections.spawn(async move {
            let _ = handle(reader, BufWriter::new(writer)).await;
        });
    }
}
