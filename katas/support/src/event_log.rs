//! What happened, and when (in virtual time)?
//!
//! Ordering questions ("did the backup start before the primary was
//! cancelled?", "did the writer wait for the readers?") are best answered
//! by a log of events stamped with virtual milliseconds, snapshotted whole
//! with insta. An [`EventLog`] is cheap to clone into every task.
//!
//! Like every helper that reads the virtual clock, it tells the bench's
//! ledger (ledger.rs) what span of virtual time it saw: from its creation to
//! each event.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::ledger::{Mark, record_span};

#[derive(Debug, Clone)]
pub struct EventLog {
    start: Mark,
    events: Arc<Mutex<Vec<(u64, String)>>>,
    /// Whether each event is also drawn on the test's timeline, as a tick.
    drawn: bool,
}

impl EventLog {
    /// A log whose times count from now.
    pub fn new() -> Self {
        EventLog {
            start: Mark::now(),
            events: Arc::default(),
            drawn: true,
        }
    }

    /// A log whose events are not drawn on the timeline: for a test that
    /// draws the same work as bars ([`Timeline::span`](crate::Timeline::span)),
    /// where a tick for each start and end would only crowd the picture.
    pub fn undrawn() -> Self {
        EventLog {
            drawn: false,
            ..EventLog::new()
        }
    }

    /// Records `event` at the current virtual time.
    pub fn record(&self, event: impl Into<String>) {
        let now = Mark::now();
        record_span(self.start, now);
        let at = (now.virtual_at() - self.start.virtual_at()).as_millis() as u64;
        let event = event.into();
        if self.drawn {
            crate::timeline::event(&event);
        }
        self.events.lock().unwrap().push((at, event));
    }

    /// The events so far, as (virtual ms, event).
    pub fn events(&self) -> Vec<(u64, String)> {
        self.events.lock().unwrap().clone()
    }
}

impl Default for EventLog {
    fn default() -> Self {
        Self::new()
    }
}

/// One line per event, `   500ms  backup started`: the form snapshots hold.
impl fmt::Display for EventLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, event) in self.events() {
            writeln!(f, "{:>6}ms  {event}", at)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn stamps_events_with_virtual_time() {
        let log = EventLog::new();
        log.record("start");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        log.clone().record("later");
        assert_eq!(log.to_string(), "     0ms  start\n   250ms  later\n");
    }
}
