//! Right: no select! at all: the ticks are counted on a spawned ticker task, aborted by a guard when frames returns or is dropped, while `read_to_end` collects the bytes (it keeps what it read before an error).

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

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn frames<R: AsyncRead + Unpin>(mut r: R, tick: Duration) -> Received {
    let ticks = Arc::new(AtomicU32::new(0));
    let _ticker = AbortOnDrop(tokio::spawn({
        let ticks = Arc::clone(&ticks);
        async move {
            let mut interval = tokio::time::interval(tick);
            loop {
                interval.tick().await;
                ticks.fetch_add(1, Ordering::SeqCst);
            }
        }
    }));
    let mut bytes = Vec::new();
    let error = match r.read_to_end(&mut bytes).await {
        Ok(_) => None,
        Err(e) => Some(e.kind()),
    };
    Received {
        frames: bytes
            .chunks_exact(FRAME_LEN)
            .map(|frame| String::from_utf8_lossy(frame).into_owned())
            .collect(),
        ticks: ticks.load(Ordering::SeqCst),
        error,
    }
}
