//! Wrong: serve spawns each connection with a bare tokio::spawn and forgets the handle, so at shutdown it returns while the idle client's connection task keeps running (and its socket stays open).
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
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (socket, _peer) = accepted?;
                let (reader, writer) = socket.into_split();
                // BUG: a bare tokio::spawn whose handle is dropped: the task
                // is detached and outlives serve, connection and all.
                tokio::spawn(async move {
                    let _ = handle(reader, BufWriter::new(writer)).await;
                });
            }
        }
    }
    Ok(())
}
