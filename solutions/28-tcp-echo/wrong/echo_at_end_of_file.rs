//! Wrong: handle reads until end of file and only then writes everything back, so a client that waits for its echo before sending more (any interactive client) waits forever.
//! Caught by: echoes_each_chunk_as_soon_as_it_arrives, echoes_irregular_bytes_exactly_and_at_once

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
    // BUG: reads the whole connection first and echoes it at the end, so
    // a client that waits for each echo before sending more waits forever.
    let mut all = Vec::new();
    reader.read_to_end(&mut all).await?;
    writer.write_all(&all).await?;
    writer.flush().await?;
    Ok(all.len() as u64)
}

/// Accepts connections on `listener` and echoes each one with `handle`, in
/// its own task, until `shutdown` completes.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    // Every connection task lives in this set. A JoinSet owns its tasks:
    // dropping it (or calling `shutdown`) aborts them all. So no connection
    // can outlive `serve`, whichever way `serve` returns, even through `?`.
    let mut connections = JoinSet::new();
    // `select!` needs to poll the same shutdown future on every turn of
    // the loop, so it is pinned once here and polled by reference.
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        tokio::select! {
            // The signal is checked first, so that once it has fired no
            // further connection is taken.
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                // `accept` is cancel safe: if the signal wins the race, no
                // connection is lost half-accepted.
                let (socket, _peer) = accepted?;
                let (reader, writer) = socket.into_split();
                // Its own task, so that this loop goes straight back to
                // accepting: a client that never sends anything only ever
                // blocks its own task. An I/O error (the client reset the
                // connection) ends that connection only.
                connections.spawn(async move {
                    let _ = handle(reader, BufWriter::new(writer)).await;
                });
            }
            // Finished connections stay in the set until they are joined:
            // reap them as they end, so a long-running server does not
            // accumulate them. (With an empty set `join_next` returns None
            // at once, the pattern does not match, and the branch is off.)
            Some(_) = connections.join_next() => {}
        }
    }

    // Abort every connection still open and wait until their tasks are
    // gone: their sockets are closed by the time `serve` returns.
    connections.shutdown().await;
    Ok(())
}
