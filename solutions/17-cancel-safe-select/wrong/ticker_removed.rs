//! Wrong: "fixes" the lost bytes by deleting the ticker's branch, so `read_exact` is never cancelled, but the loop no longer handles any tick: the heartbeat is gone.
//! Caught by: the_ticker_keeps_ticking_while_a_frame_trickles_in, every_tick_is_handled_while_frames_trickle_in

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

pub async fn frames<R: AsyncRead + Unpin>(mut r: R, _tick: Duration) -> Received {
    let mut received = Received::default();
    let mut frame = [0u8; FRAME_LEN];
    // The mistake: no select!, no ticker. Nothing is cancelled any more, but
    // nothing else happens while a frame is being read either.
    loop {
        match r.read_exact(&mut frame).await {
            Ok(_) => received
                .frames
                .push(String::from_utf8_lossy(&frame).into_owned()),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return received,
            Err(e) => {
                received.error = Some(e.kind());
                return received;
            }
        }
    }
}
