//! Wrong: uses the cancel-safe `read`, but collects each frame's bytes inside an `async` block that is itself the `select!` branch; when the tick wins, the block is dropped with the partial frame in it, so that is no more cancel safe than `read_exact`.
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
    loop {
        // The mistake: the partial frame lives in `frame`, a local of the
        // async block below, and dies whenever the block loses the race.
        let read_one_frame = async {
            let mut frame = Vec::with_capacity(FRAME_LEN);
            let mut byte = [0u8; FRAME_LEN];
            while frame.len() < FRAME_LEN {
                let wanted = FRAME_LEN - frame.len();
                let n = r.read(&mut byte[..wanted]).await?;
                if n == 0 {
                    return Ok(None);
                }
                frame.extend_from_slice(&byte[..n]);
            }
            Ok::<_, io::Error>(Some(frame))
        };
        tokio::select! {
            biased;
            result = read_one_frame => match result {
                Ok(Some(frame)) => received.frames.push(String::from_utf8_lossy(&frame).into_owned()),
                Ok(None) => return received,
                Err(e) => {
                    received.error = Some(e.kind());
                    return received;
                }
            },
            _ = ticker.tick() => received.ticks += 1,
        }
    }
}
