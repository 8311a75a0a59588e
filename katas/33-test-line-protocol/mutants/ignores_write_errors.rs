//! Mutant: ignores write errors: a reply that cannot be sent is dropped and the session goes on (and ends with `Ok(())`) instead of ending with that error

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
            ["GET", key] => match store.get(*key) {
                Some(value) => format!("VALUE {value}\n"),
                None => "NIL\n".to_string(),
            },
            ["DEL", key] => match store.remove(*key) {
                Some(_) => "DELETED\n".to_string(),
                None => "NIL\n".to_string(),
            },
            ["QUIT"] => {
                let _ = stream.write_all(b"BYE\n").await;
                let _ = stream.flush().await;
                return Ok(());
            }
            _ => "ERR unknown command\n".to_string(),
        };
        // A client that cannot be written to has gone away: nothing to report.
        let _ = stream.write_all(reply.as_bytes()).await;
        let _ = stream.flush().await;
    }
}
