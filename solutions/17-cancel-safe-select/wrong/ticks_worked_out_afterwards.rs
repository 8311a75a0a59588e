//! Wrong: drops the ticker and reads with `read_buf` alone (no data lost), then works the tick count out from the elapsed time at the end (elapsed / tick + 1): the number is right, but no tick is handled while the stream is silent, so no heartbeat is ever sent.
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
    let started = tokio::time::Instant::now();
    let mut received = Received::default();
    let mut pending: Vec<u8> = Vec::new();
    loop {
        match r.read_buf(&mut pending).await {
            Ok(0) => break,
            Ok(_) => {
                while pending.len() >= FRAME_LEN {
                    let frame: Vec<u8> = pending.drain(..FRAME_LEN).collect();
                    received.frames.push(String::from_utf8_lossy(&frame).into_owned());
                }
            }
            Err(e) => {
                received.error = Some(e.kind());
                break;
            }
        }
    }
    // An interval ticks at 0, tick, 2*tick, ...: count how many of those have passed.
    let elapsed = started.elapsed();
    received.ticks = (elapsed.as_nanos() / tick.as_nanos().max(1)) as u32 + 1;
    received
}
