//! Right: handle echoes straight out of a BufReader's buffer (fill_buf / consume); serve races a whole accept loop, written as its own function, against the shutdown signal, and lets the JoinSet's drop abort the connections.

use std::future::Future;
use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

pub async fn handle<R, W>(reader: R, mut writer: W) -> io::Result<u64>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::with_capacity(512, reader);
    let mut count: u64 = 0;
    loop {
        let chunk = reader.fill_buf().await?;
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len();
        writer.write_all(chunk).await?;
        writer.flush().await?;
        reader.consume(len);
        count += len as u64;
    }
    Ok(count)
}

async fn accept_forever(listener: &TcpListener, connections: &mut JoinSet<()>) -> io::Result<()> {
    loop {
        let (socket, _addr) = listener.accept().await?;
        while connections.try_join_next().is_some() {}
        connections.spawn(async move {
            let (r, w) = socket.into_split();
            let _ = handle(r, BufWriter::new(w)).await;
        });
    }
}

pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut connections = JoinSet::new();
    let result = tokio::select! {
        biased;
        _ = shutdown => Ok(()),
        failed = accept_forever(&listener, &mut connections) => failed,
    };
    // Dropping the set aborts every connection still open.
    drop(connections);
    result
}
