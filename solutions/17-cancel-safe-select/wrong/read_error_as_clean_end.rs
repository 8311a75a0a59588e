//! Wrong: cancel safe and correct on a clean end, but stops quietly on a read error as if the stream had ended, so `error` stays None and the caller never learns the connection failed.
//! Caught by: a_read_error_ends_the_stream_after_the_frames_so_far

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
                Ok(n) if n > 0 => {
                    while pending.len() >= FRAME_LEN {
                        let frame: Vec<u8> = pending.drain(..FRAME_LEN).collect();
                        received.frames.push(String::from_utf8_lossy(&frame).into_owned());
                    }
                }
                // End of the stream, or the connection is gone: either way, done.
                _ => return received,
            },
            _ = ticker.tick() => received.ticks += 1,
        }
    }
}
