//! Mutant: takes each read as whole lines, so a command split across two reads is answered as two bad commands

use std::collections::HashMap;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufStream};

/// Serves one client's session of the key-value line protocol.
pub async fn serve<S>(stream: S, store: &mut HashMap<String, String>) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut stream = BufStream::new(stream);
    let mut buf = vec![0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let chunk = std::str::from_utf8(&buf[..n])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
            .to_string();
        for line in chunk.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let reply = match words.as_slice() {
                ["SET", key, value] => {
                    store.insert(key.to_string(), value.to_string());
                    "OK\n".to_string()
                }
                ["GET", key] => match store.get(*key) {
                    Some(value) => format!("VALUE {value}\n"),
                    None => "NIL\n".to_string(),
                },
                ["DEL", key] => match store.remove(*key) {
                    Some(_) => "DELETED\n".to_string(),
                    None => "NIL\n".to_string(),
                },
                ["QUIT"] => {
                    stream.write_all(b"BYE\n").await?;
                    stream.flush().await?;
                    return Ok(());
                }
                _ => "ERR unknown command\n".to_string(),
            };
            stream.write_all(reply.as_bytes()).await?;
            stream.flush().await?;
        }
    }
}
