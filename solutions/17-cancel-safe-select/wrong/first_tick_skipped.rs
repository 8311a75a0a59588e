//! Wrong: starts the ticker with `interval_at(Instant::now() + tick, tick)` "so that it does not fire at once", which skips the tick at 0ms that `interval(tick)` has: one tick too few.
//! Caught by: every_tick_is_handled_while_frames_trickle_in

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
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + tick, tick);
    let mut pending: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            result = r.read_buf(&mut pending) => match result {
                Ok(0) => return received,
                Ok(_) => {
                    while pending.len() >= FRAME_LEN {
                        let frame: Vec<u8> = pending.drain(..FRAME_LEN).collect();
                        received.frames.push(String::from_utf8_lossy(&frame).into_owned());
                    }
                }
                Err(e) => {
                    received.error = Some(e.kind());
                    return received;
                }
            },
            _ = ticker.tick() => received.ticks += 1,
        }
    }
}
