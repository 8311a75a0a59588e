//! Wrong: counts the ticks on a spawned ticker task and reads everything with `read_to_end` (no select! needed), but never stops the ticker task: it keeps ticking after frames returns.
//! Caught by: frames_survive_any_split

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
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
    // The ticker counts on its own task; the read needs no select! at all.
    let ticks = Arc::new(AtomicU32::new(0));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            let mut ticker = tokio::time::interval(tick);
            loop {
                ticker.tick().await;
                ticks.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let mut bytes = Vec::new();
    let error = r.read_to_end(&mut bytes).await.err().map(|e| e.kind());
    let _ = ticker;
    Received {
        frames: bytes
            .chunks_exact(FRAME_LEN)
            .map(|frame| String::from_utf8_lossy(frame).into_owned())
            .collect(),
        ticks: ticks.load(Ordering::SeqCst),
        error,
    }
}
