//! Mutant: answers GET of a key that is not set with `VALUE ` (an empty value) instead of `NIL`

use std::collections::HashMap;
use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufStream};

/// Serves one client's session of the key-value line protocol.
pub async fn serve<S>(stream: S, store: &mut HashMap<String, String>) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut stream = BufStream::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = match words.as_slice() {
            ["SET", key, value] => {
                store.insert(key.to_string(), value.to_string());
                "OK\n".to_string()
            }
            ["GET", key] => {
                let value = store.get(*key).cloned().unwrap_or_default();
                format!("VALUE {value}\n")
            }
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
