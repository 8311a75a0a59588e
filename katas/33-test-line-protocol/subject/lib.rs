//! Kata 33: the implementation under test.
//!
//! This file is the course's, and it is correct: your tests (in
//! `src/lib.rs`) must pass against it. The grader then swaps in other
//! versions of it, each with one plausible bug, and your tests must fail on
//! every one of them. Read the contract below (README.md has it too): it is
//! everything your tests may rely on, and everything they should check.

use std::collections::HashMap;
use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufStream};

/// Serves one client's session of a tiny key-value protocol over `stream`,
/// reading and writing `store`.
///
/// The client sends commands, one per line (ending in `\n`); the words of a
/// line are separated by whitespace (spaces, tabs; a trailing `\r` is
/// ignored). Commands are case-sensitive. Each command gets exactly one
/// reply line:
///
/// | command | reply |
/// |---|---|
/// | `SET <key> <value>` | stores the value (replacing any), replies `OK` |
/// | `GET <key>` | `VALUE <value>` if the key is set, else `NIL` |
/// | `DEL <key>` | removes the key: `DELETED` if it was set, else `NIL` |
/// | `QUIT` | `BYE`, and the session ends: nothing more is read |
/// | anything else (unknown word, wrong number of words, empty line) | `ERR unknown command`, and the session goes on |
///
/// - Replies end in `\n`, and each one is flushed (sent) before the next
///   line is read: a client may wait for each reply before it sends its
///   next command. (`serve` buffers its writes: without the flush a reply
///   would sit in the buffer.)
/// - Lines may arrive in any pieces: several lines in one read, one line
///   split across several reads. A last line without `\n` before the end
///   of input is a command like the others.
/// - The session ends with `Ok(())` when the client hangs up (end of
///   input, a read of 0 bytes) or after `QUIT`'s `BYE` is flushed.
/// - An I/O error (reading or writing) ends the session with that error.
///   A line that is not UTF-8 ends it with an `InvalidData` error.
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
