//! Wrong: cuts at most one frame off the buffer per read (`if` instead of `while`), so when one read completes two frames a backlog builds up and is lost at the end of the stream.
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

/// Takes the next complete frame off `pending`, if there is one.
fn take_frame(pending: &mut Vec<u8>, received: &mut Received) {
    if pending.len() >= FRAME_LEN {
        let frame: Vec<u8> = pending.drain(..FRAME_LEN).collect();
        received.frames.push(String::from_utf8_lossy(&frame).into_owned());
    }
}

pub async fn frames<R: AsyncRead + Unpin>(mut r: R, tick: Duration) -> Received {
    let mut received = Received::default();
    let mut ticker = tokio::time::interval(tick);
    let mut pending: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            biased;
            result = r.read_buf(&mut pending) => match result {
                Ok(0) => {
                    take_frame(&mut pending, &mut received);
                    return received;
                }
                Ok(_) => take_frame(&mut pending, &mut received),
                Err(e) => {
                    take_frame(&mut pending, &mut received);
                    received.error = Some(e.kind());
                    return received;
                }
            },
            _ = ticker.tick() => received.ticks += 1,
        }
    }
}
