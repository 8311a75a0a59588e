//! Wrong: wraps the (cancel-safe) read in a 10ms `timeout` "so the ticker never waits for it" and goes round the loop when it expires: the frames and ticks are right, but while the stream is silent it wakes the runtime a hundred times a second.
//! Caught by: waiting_for_data_wakes_only_for_its_ticks

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
            biased;
            _ = ticker.tick() => received.ticks += 1,
            result = tokio::time::timeout(Duration::from_millis(10), r.read_buf(&mut pending)) => match result {
                Err(_still_waiting) => continue,
                Ok(Ok(0)) => return received,
                Ok(Ok(_)) => {
                    while pending.len() >= FRAME_LEN {
                        let frame: Vec<u8> = pending.drain(..FRAME_LEN).collect();
                        received.frames.push(String::from_utf8_lossy(&frame).into_owned());
                    }
                }
                Ok(Err(e)) => {
                    received.error = Some(e.kind());
                    return received;
                }
            },
        }
    }
}
