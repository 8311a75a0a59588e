//! Wrong: cancel safe, but gives the `select!` a third, "default" branch that just yields (so that the loop "never blocks"), which is always ready: the loop never waits for the stream or the ticker, it spins, and on the paused clock time cannot even move on.
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

/// Reads `FRAME_LEN`-byte frames from `r` until the end of the stream or a
/// read error, handling (counting) the ticks of an interval of `tick`
/// meanwhile.
pub async fn frames<R: AsyncRead + Unpin>(mut r: R, tick: Duration) -> Received {
    let mut received = Received::default();

    // One Interval for the whole loop. (A `sleep(tick)` written inside the
    // `select!` would be a new timer every iteration, restarted by every
    // read, and would never fire while data trickles in.) Its first tick
    // completes at once.
    let mut ticker = tokio::time::interval(tick);

    // Bytes read from `r` that do not form a whole frame yet. This buffer is
    // the state that must survive a lost race, so it lives here, outside the
    // `select!`, where dropping a branch's future cannot touch it.
    let mut pending: Vec<u8> = Vec::with_capacity(4 * FRAME_LEN);

    loop {
        tokio::select! {
            // `read_buf` is cancel safe: it either completes, having appended
            // what it read to `pending`, or (when the tick wins) it read
            // nothing at all. Contrast `read_exact`, whose future holds on to
            // "3 of 5 bytes done" and loses those bytes when it is dropped.
            result = r.read_buf(&mut pending) => match result {
                // A read of 0 bytes: the end of the stream. A partial frame
                // left in `pending` is dropped.
                Ok(0) => return received,
                Ok(_) => {
                    // The read may have brought part of a frame, exactly one,
                    // or several: take every complete frame off the front.
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
            // `Interval::tick` is cancel safe too: when the read wins, the
            // tick is not consumed, and the next iteration's `tick()` still
            // completes at the same scheduled instant.
            _ = ticker.tick() => received.ticks += 1,
            // Nothing ready: let others run, then look again.
            _ = tokio::task::yield_now() => {}
        }
    }
}
