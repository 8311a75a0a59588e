//! Kata 28: a TCP echo server.
//!
//! Two functions, split the way real servers are split:
//!
//! - `handle` is the protocol: it echoes one connection. It is generic over
//!   any reader and writer, so the tests can drive it with scripted mock
//!   connections (no network, no real time).
//! - `serve` is the plumbing: it accepts connections on a real
//!   `TcpListener`, runs `handle` for each one in its own task, and stops
//!   when `shutdown` completes.
//!
//! Fill in the two `todo!()`s below. Read README.md first: it says exactly
//! what the tests expect, including when to flush and what happens to open
//! connections at shutdown.

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

/// Echoes everything read from `reader` back to `writer`, until `reader`
/// reaches end of file. Returns how many bytes were echoed.
///
/// - Write each chunk back as soon as it has been read: do not wait for a
///   full line or a full buffer, the client may be waiting for its echo
///   before it sends anything else.
/// - Flush `writer` after every write: it may be buffered (`serve` gives it a
///   `BufWriter`), and bytes sitting in a buffer have not been sent.
/// - A read or write error ends `handle` with that error.
pub async fn handle<R, W>(reader: R, writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // Loop: read into a buffer (tokio::io::AsyncReadExt::read), stop on 0
    // bytes (end of file), write what was read (AsyncWriteExt::write_all),
    // flush, count.
    let _ = (&reader, &writer);
    todo!("echo every chunk back, flushing after each write")
}

/// Accepts connections on `listener` and echoes each one with `handle`, in
/// its own task, until `shutdown` completes.
///
/// - Every connection gets its own task: a client that sends nothing must
///   not keep anyone else waiting.
/// - When `shutdown` completes, stop accepting, close every connection that
///   is still open (no task may outlive `serve`), and return `Ok(())`.
/// - If accepting fails, return that error (after closing the connections).
/// - If this future is dropped before it returns, the connections close
///   with it: no connection task may outlive `serve`.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    // `tokio::select!` the shutdown signal against `listener.accept()` in a
    // loop; spawn each connection into a `tokio::task::JoinSet`, whose tasks
    // are all aborted when it is dropped or shut down.
    let _ = (&listener, &shutdown);
    todo!("accept in a loop, a task per connection, until shutdown")
}
