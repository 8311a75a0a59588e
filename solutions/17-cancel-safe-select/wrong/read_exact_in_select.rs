//! Wrong: reads each frame with `read_exact` inside the `select!`; when the tick wins while a frame is half read, `read_exact`'s future is dropped with the bytes it already took from the stream, so "HEL" vanishes and the frames come out shifted (`["LOWOR"]`).
//! Caught by: a_frame_split_by_a_tick_is_not_lost, frames_survive_any_split

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
            biased;
            // The mistake: `read_exact` is not cancel safe.
            result = r.read_exact(&mut frame) => match result {
                Ok(_) => received.frames.push(String::from_utf8_lossy(&frame).into_owned()),
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return received,
                Err(e) => {
                    received.error = Some(e.kind());
                    return received;
                }
            },
            _ = ticker.tick() => received.ticks += 1,
        }
    }
}
