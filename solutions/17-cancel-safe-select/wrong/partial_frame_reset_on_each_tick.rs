//! Wrong: keeps the partial frame outside the loop and reads with `read_buf`, but clears it on every tick ("a heartbeat starts a fresh frame"), so a frame that a tick splits loses its first bytes.
//! Caught by: frames_survive_any_split

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The length of one frame, in bytes.
pub const FRAME_LEN: usize = 5;

/// What `frames` saw before the stream ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// Every complete frame, in the order it arrived.
    pub frames: Vec<String>,
    /// How many ticks of the interval were handled while reading.
    pub ticks: u32,
    /// The read error that ended the stream, or `None` at a clean end.
    pub error: Option<io::ErrorKind>,
}

pub async fn frames<R: AsyncRead + Unpin>(mut r: R, tick: Duration) -> Received {
    let mut received = Received::default();
    let mut ticker = tokio::time::interval(tick);
    let mut pending: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            result = r.read_buf(&mut pending) => match result {
                Ok(0) => return received,
                Ok(_) => while pending.len() >= FRAME_LEN { let f: Vec<u8> = pending.drain(..FRAME_LEN).collect(); received.frames.push(String::from_utf8_lossy(&f).into_owned()); },
                Err(e) => { received.error = Some(e.kind()); return received; }
            },
            _ = ticker.tick() => { received.ticks += 1; pending.clear(); }
        }
    }
}
