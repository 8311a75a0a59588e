//! Is the runtime's thread blocked?
//!
//! An async runtime runs many tasks on few threads, and a task only gives the
//! thread back at an `.await`. Code that blocks (`std::thread::sleep`, a busy
//! loop, a blocking `recv`) holds the thread hostage and every other task on
//! it stops. A [`Heartbeat`] is a task that ticks on a fixed period and
//! records when: if the thread was blocked, the ticks are missing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// A background task that records the virtual time of each tick.
#[derive(Debug)]
pub struct Heartbeat {
    started: Instant,
    beats: Arc<Mutex<Vec<Duration>>>,
    task: JoinHandle<()>,
}

impl Heartbeat {
    /// Spawns the heartbeat and waits for its first tick (at offset 0), so
    /// the test knows it is running before the code under test starts.
    pub async fn start(period: Duration) -> Heartbeat {
        let started = Instant::now();
        let beats = Arc::new(Mutex::new(Vec::new()));
        let recorder = beats.clone();
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(started, period);
            // A blocked thread must show up as missing beats, not as a burst
            // of catch-up beats once the thread is free again.
            ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
            loop {
                let at = ticks.tick().await;
                recorder.lock().unwrap().push(at - started);
            }
        });
        while beats.lock().unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        Heartbeat {
            started,
            beats,
            task,
        }
    }

    /// When the heartbeat started.
    pub fn started_at(&self) -> Instant {
        self.started
    }

    /// How many beats happened strictly before `offset` from the start.
    pub fn beats_before(&self, offset: Duration) -> usize {
        self.beats
            .lock()
            .unwrap()
            .iter()
            .filter(|at| **at < offset)
            .count()
    }

    /// Stops the heartbeat task and waits until it is gone, so that it does
    /// not count as a leaked task.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn beats_on_its_period_while_the_thread_is_free() {
        let heart = Heartbeat::start(Duration::from_millis(10)).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(heart.beats_before(Duration::from_millis(200)), 20);
        heart.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn no_beats_while_the_code_never_yields() {
        let heart = Heartbeat::start(Duration::from_millis(10)).await;
        // Code that never reaches an `.await` keeps the heartbeat from
        // running at all, just like a blocking call would.
        let busy: u64 = (0..1_000u64).sum();
        assert_eq!(busy, 499_500);
        assert_eq!(heart.beats_before(Duration::from_millis(200)), 1);
        heart.stop().await;
    }
}
