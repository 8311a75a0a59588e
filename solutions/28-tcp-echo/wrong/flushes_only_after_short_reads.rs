//! Wrong: handle flushes only after a read that did not fill its buffer ("a full buffer means more is coming"), so an echo of a message that fills the buffer exactly sits in a BufWriter while the client waits for it.
//! Caught by: a_read_that_fills_the_buffer_is_flushed_too

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
    let mut buf = vec![0u8; 4096];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            writer.flush().await?;
            return Ok(total);
        }
        writer.write_all(&buf[..n]).await?;
        // The mistake: a full buffer is taken to mean more is on its way, so
        // the flush is left for a later, shorter read that may never come.
        if n < buf.len() {
            writer.flush().await?;
        }
        total += n as u64;
    }
}

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut conns = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(_) = conns.join_next() => {}
            accepted = listener.accept() => {
                let (socket, _) = accepted?;
                let (r, w) = socket.into_split();
                conns.spawn(async move { let _ = handle(r, BufWriter::new(w)).await; });
            }
        }
    }
    conns.shutdown().await;
    Ok(())
}
