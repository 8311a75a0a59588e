//! Kata 17: make a `select!` loop cancel safe.
//!
//! `frames` reads 5-byte frames from a stream and, in the same `select!`
//! loop, handles the ticks of an interval (in a real server: heartbeats,
//! metrics, a shutdown check). It compiles and it runs, and it loses data:
//! when a tick arrives while a frame is only partly read, the bytes read so
//! far vanish. Send it "HEL", a pause, then "LOWORLD", and it returns the one
//! frame "LOWOR" instead of "HELLO" and "WORLD".
//!
//! Fix it: every frame must come out whole, and every tick must still be
//! handled. README.md explains why the bytes are lost (cancellation) and
//! which operations are safe inside `select!`. Keep `FRAME_LEN`, `Received`
//! and the signature of `frames`: the tests use them.

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

/// Reads `FRAME_LEN`-byte frames from `r` until the end of the stream or a
/// read error, handling (counting) the ticks of an interval of `tick`
/// meanwhile.
pub async fn frames<R: AsyncRead + Unpin>(mut r: R, tick: Duration) -> Received {
    let mut received = Received::default();
    let mut ticker = tokio::time::interval(tick);
    let mut frame = [0u8; FRAME_LEN];
    loop {
        tokio::select! {
            biased;
            // BUG: `read_exact` is not cancel safe. When the tick branch wins
            // while a frame is half read, this future is dropped, and the
            // bytes it has already taken from `r` are lost with it.
            result = r.read_exact(&mut frame) => match result {
                Ok(_) => received.frames.push(String::from_utf8_lossy(&frame).into_owned()),
                // The stream ended (in the middle of a frame, or between two).
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
