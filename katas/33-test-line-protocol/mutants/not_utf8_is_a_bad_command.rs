//! Mutant: decodes a line that is not UTF-8 lossily (bad bytes become U+FFFD) and answers it like any other line, instead of ending the session with an `InvalidData` error

use std::collections::HashMap;
use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufStream};

/// Serves one client's session of the key-value line protocol.
pub async fn serve<S>(stream: S, store: &mut HashMap<String, String>) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut stream = BufStream::new(stream);
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if stream.read_until(b'\n', &mut bytes).await? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&bytes);
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
