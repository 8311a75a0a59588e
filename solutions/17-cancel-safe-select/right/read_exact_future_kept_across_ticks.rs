//! Right: `read_exact` after all, but in a future created once per frame and kept (boxed, owning the reader) across loop iterations, polled by `&mut` in the select!, so a tick never drops it.

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

async fn next_frame<R: AsyncRead + Unpin>(mut r: R) -> (R, io::Result<[u8; FRAME_LEN]>) {
    let mut frame = [0u8; FRAME_LEN];
    let result = r.read_exact(&mut frame).await.map(|_| frame);
    (r, result)
}

pub async fn frames<R: AsyncRead + Unpin>(r: R, tick: Duration) -> Received {
    let mut received = Received::default();
    let mut ticker = tokio::time::interval(tick);
    let mut reading = Box::pin(next_frame(r));
    loop {
        tokio::select! {
            (r, result) = &mut reading => match result {
                Ok(frame) => {
                    received.frames.push(String::from_utf8_lossy(&frame).into_owned());
                    reading = Box::pin(next_frame(r));
                }
                // The stream ended, cleanly, maybe half-way through a frame.
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
