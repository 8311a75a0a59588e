//! Mutant: removes the line's `\n` and splits it on single spaces, so a tab, two spaces in a row or the `\r` of a CRLF line end become part of a word (`GET k\r\n` looks up the key `k\r`)

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
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let words: Vec<&str> = if text.is_empty() { Vec::new() } else { text.split(' ').collect() };
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
