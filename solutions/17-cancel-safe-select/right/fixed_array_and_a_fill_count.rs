//! Right: a fixed `[u8; FRAME_LEN]` and a count of the bytes filled so far, both outside the loop; each `read` fills the rest of the array, and a full array is a frame.

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
    let mut out = Received::default();
    let mut ticker = tokio::time::interval(tick);
    let mut frame = [0u8; FRAME_LEN];
    let mut filled = 0;

    loop {
        tokio::select! {
            _ = ticker.tick() => out.ticks += 1,
            got = r.read(&mut frame[filled..]) => match got {
                Ok(0) => break,
                Ok(n) => {
                    filled += n;
                    if filled == FRAME_LEN {
                        out.frames.push(String::from_utf8_lossy(&frame).into_owned());
                        filled = 0;
                    }
                }
                Err(err) => {
                    out.error = Some(err.kind());
                    break;
                }
            },
        }
    }
    out
}
