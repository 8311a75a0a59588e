//! Wrong: the reads are cancel safe, but the tick branch is `sleep(tick)` written inside the `select!`, a brand-new timer every iteration; each read restarts it, so while bytes trickle in faster than `tick` it never fires.
//! Caught by: the_ticker_keeps_ticking_while_a_frame_trickles_in

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
    let mut pending: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            biased;
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
            // The mistake: a new sleep each time round the loop. When the
            // read wins, this timer is dropped and the next one starts from
            // zero.
            () = tokio::time::sleep(tick) => received.ticks += 1,
        }
    }
}
