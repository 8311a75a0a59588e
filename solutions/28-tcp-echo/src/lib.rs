//! Kata 28: a TCP echo server (reference solution).
//!
//! The protocol (`handle`) knows nothing about sockets: it takes any reader
//! and any writer, which is what lets the tests script a connection with
//! `tokio_test::io` mocks. The plumbing (`serve`) is the classic accept
//! loop: accept, hand the connection to its own task, go straight back to
//! accepting, and race all of it against the shutdown signal.

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
