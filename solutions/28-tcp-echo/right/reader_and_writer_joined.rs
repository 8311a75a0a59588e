//! Right: handle runs a reading half and a writing half side by side (try_join!) joined by a channel; serve is a `while let` over a select! that yields the next connection or None at shutdown, and shuts a JoinSet down at the end.

use std::future::Future;
use std::io;
use std::pin::pin;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

pub async fn handle<R, W>(mut reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (chunks_tx, mut chunks_rx) = mpsc::channel::<Vec<u8>>(1);
    let reading = async move {
        let mut buf = vec![0; 1500];
        loop {
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                return Ok::<(), io::Error>(());
            }
            if chunks_tx.send(buf[..n].to_vec()).await.is_err() {
                return Ok(());
            }
        }
    };
    let writing = async {
        let mut written = 0u64;
        while let Some(chunk) = chunks_rx.recv().await {
            writer.write_all(&chunk).await?;
            writer.flush().await?;
            written += chunk.len() as u64;
        }
        Ok::<u64, io::Error>(written)
    };
    let ((), written) = tokio::try_join!(reading, writing)?;
    Ok(written)
}

async fn next_connection(
    listener: &TcpListener,
    shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
) -> Option<io::Result<TcpStream>> {
    tokio::select! {
        biased;
        () = shutdown => None,
        accepted = listener.accept() => Some(accepted.map(|(stream, _)| stream)),
    }
}

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut shutdown = pin!(shutdown);
    let mut open = JoinSet::new();
    while let Some(accepted) = next_connection(&listener, shutdown.as_mut()).await {
        let stream = match accepted {
            Ok(stream) => stream,
            Err(error) => {
                open.shutdown().await;
                return Err(error);
            }
        };
        let (reader, writer) = stream.into_split();
        open.spawn(async move {
            let _ = handle(reader, BufWriter::new(writer)).await;
        });
    }
    open.shutdown().await;
    Ok(())
}
