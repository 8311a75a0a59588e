//! Wrong: serve treats a failed accept like a bad connection and goes on to the next one ("one bad client must not stop the server"), so it never returns an accept error: when the process is out of file descriptors (EMFILE), every accept fails at once and serve spins on the error for ever.
//! Caught by: serve_returns_the_error_when_accept_fails

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

pub async fn handle<R, W>(mut reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; 8192];
    let mut echoed = 0u64;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            return Ok(echoed);
        }
        writer.write_all(&buf[..n]).await?;
        writer.flush().await?;
        echoed += n as u64;
    }
}

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, _peer)) => {
                    let (reader, writer) = socket.into_split();
                    connections.spawn(async move {
                        let _ = handle(reader, BufWriter::new(writer)).await;
                    });
                }
                // The mistake: the error is dropped and the loop goes on
                // to "the next connection".
                Err(_) => {}
            },
            Some(_) = connections.join_next() => {}
        }
    }
    connections.shutdown().await;
    Ok(())
}
