//! Right: each branch reads into a small local array (a completed `read` hands over all it read), the bytes go into a VecDeque kept outside the loop, and frames are popped off its front; the tick branch is listed first.

use std::collections::VecDeque;
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
    let mut pending: VecDeque<u8> = VecDeque::new();
    let mut chunk = [0u8; 64];

    loop {
        tokio::select! {
            biased;
            _ = ticker.tick() => {
                received.ticks += 1;
            }
            result = r.read(&mut chunk) => {
                let n = match result {
                    Ok(n) => n,
                    Err(e) => {
                        received.error = Some(e.kind());
                        break;
                    }
                };
                if n == 0 {
                    break;
                }
                pending.extend(&chunk[..n]);
                while pending.len() >= FRAME_LEN {
                    let frame: Vec<u8> = pending.drain(..FRAME_LEN).collect();
                    received.frames.push(String::from_utf8_lossy(&frame).into_owned());
                }
            }
        }
    }
    received
}
