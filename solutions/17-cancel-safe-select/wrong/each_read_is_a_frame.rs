//! Wrong: reads with the cancel-safe `read` into a 5-byte array, but takes whatever one read returns as a frame: a frame that arrives in pieces comes out as several short frames, and several frames in one read are cut to the first.
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
    let mut frame = [0u8; FRAME_LEN];
    loop {
        tokio::select! {
            result = r.read(&mut frame) => match result {
                Ok(0) => return received,
                Ok(n) => received.frames.push(String::from_utf8_lossy(&frame[..n]).into_owned()),
                Err(e) => {
                    received.error = Some(e.kind());
                    return received;
                }
            },
            _ = ticker.tick() => received.ticks += 1,
        }
    }
}
