//! Wrong: `handle` closes a connection that stays silent for 5 minutes (a `timeout` around each read, ending with `Ok(n)`); the tests' silent clients last a minute, so the timer never fires and wakes nothing, but a client that is still connected and sends after 5 minutes has been hung up on.
//! Caught by: a_silent_client_costs_nothing_while_handle_waits

use std::future::Future;
use std::io;

use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// A client that says nothing for this long is gone.
const IDLE_LIMIT: Duration = Duration::from_secs(300);

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
        let n = match tokio::time::timeout(IDLE_LIMIT, reader.read(&mut buf)).await {
            Ok(read) => read?,
            // Idle for too long: hang up, like any server would.
            Err(_idle) => return Ok(echoed),
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
