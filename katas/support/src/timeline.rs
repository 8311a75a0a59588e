//! What happened when: the timeline a failing test shows.
//!
//! "Took 820ms, expected 503ms" is true, but it does not show *why*. A
//! picture of the two futures, one starting only when the other is done,
//! does:
//!
//! ```text
//! expected   a ███████████ 317ms
//!            b ███████████████████ 503ms          done at 503ms
//! yours      a ███████████ 317ms
//!            b            ███████████████████ 503ms   done at 820ms
//! ```
//!
//! So every helper that already watches virtual time also draws on a
//! timeline: a [`Stopwatch`](crate::Stopwatch) that asserts an elapsed time
//! adds the bar it expected and the bar it saw, [`within`](crate::within)
//! adds the wait that never ended, an [`EventLog`](crate::EventLog) adds its
//! events as ticks, and a test adds the work its fixtures start and finish
//! with [`Timeline::span`] and the bars it expects with [`Timeline::expect`].
//! A span that is dropped before it finishes (cancelled: a timeout, a lost
//! race, a caller that gave up) ends where it was dropped, so "the primary
//! was cut at 600ms" and "the primary ran on to 1013ms" look different; one
//! that is still alive when the test gives up stays open ("still running").
//!
//! There is one timeline per test process (the grader runs a failing test
//! alone), started afresh by [`Timeline::start`] and by every seeded case.
//! When the test panics and the grader asked for it (`TOKIO_KATAS_TIMELINE`
//! is set), the panic hook prints the timeline as one line of JSON after
//! the panic message; the grader draws it in the terminal, in JSON reports
//! and in the HTML report. Run by hand with `cargo test`, nothing is added.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

/// Set by the grader: print the timeline of a failing test.
pub const TIMELINE_ENV: &str = "TOKIO_KATAS_TIMELINE";

/// The prefix of the line the grader reads the timeline from.
pub const TIMELINE_MARKER: &str = "tokio-katas timeline: ";

/// Bars kept per side: enough to see a pattern, not a wall of them.
const MAX_BARS: usize = 64;

/// One bar in virtual milliseconds from the timeline's start. A bar with no
/// end was still running when the test gave up; a bar that starts and ends
/// at the same instant is an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub start_ms: u64,
    pub end_ms: Option<u64>,
}

#[derive(Debug, Default, Serialize)]
struct Recording {
    title: String,
    /// Which recording this is: a span first polled in an earlier one (a
    /// timeline restarted since) must not end a bar of this one.
    #[serde(skip)]
    generation: u64,
    /// The test gave up waiting ([`crate::within`]): what it drops from now
    /// on was still running, not cancelled, and its bar stays open.
    #[serde(skip)]
    gave_up: bool,
    #[serde(skip)]
    origin: Option<Instant>,
    expected: Vec<Bar>,
    observed: Vec<Bar>,
    /// Bars left out past `MAX_BARS`, per side.
    more_expected: usize,
    more_observed: usize,
}

/// The process's one recording. (This crate's own unit tests run side by
/// side on libtest's threads, each on its own current-thread runtime: there
/// each thread records apart.)
#[cfg(not(test))]
static RECORDING: Mutex<Option<Recording>> = Mutex::new(None);
#[cfg(test)]
thread_local! {
    static RECORDING: Mutex<Option<Recording>> = const { Mutex::new(None) };
}

/// Runs `f` on the recording; `None` when `wait` is false and it is
/// locked (a panic in the middle of an update: nothing safe to read).
fn locked<R>(wait: bool, f: impl FnOnce(&mut Option<Recording>) -> R) -> Option<R> {
    let run = |cell: &Mutex<Option<Recording>>| {
        let mut guard = if wait {
            cell.lock().unwrap_or_else(|e| e.into_inner())
        } else {
            cell.try_lock().ok()?
        };
        Some(f(&mut guard))
    };
    #[cfg(not(test))]
    return run(&RECORDING);
    #[cfg(test)]
    return RECORDING.with(run);
}

fn with_recording<R>(f: impl FnOnce(&mut Recording) -> R) -> R {
    crate::panics::install_hook();
    locked(true, |rec| f(rec.get_or_insert_with(Recording::fresh))).expect("waited for it")
}

impl Recording {
    /// An empty recording with a generation of its own.
    fn fresh() -> Recording {
        static GENERATIONS: AtomicU64 = AtomicU64::new(1);
        Recording {
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
            ..Recording::default()
        }
    }

    fn ms(&mut self, at: Instant) -> u64 {
        let origin = *self.origin.get_or_insert(at);
        at.saturating_duration_since(origin).as_millis() as u64
    }

    fn push(&mut self, expected: bool, bar: Bar) {
        let (bars, more) = if expected {
            (&mut self.expected, &mut self.more_expected)
        } else {
            (&mut self.observed, &mut self.more_observed)
        };
        if bars.len() < MAX_BARS {
            bars.push(bar);
        } else {
            *more += 1;
        }
    }
}

/// The test's timeline. Cheap to copy into every task: it is a handle on
/// the process's one recording.
#[derive(Debug, Clone, Copy)]
pub struct Timeline {
    _handle: (),
}

impl Timeline {
    /// Starts the timeline afresh, titled `title`, with time 0 now.
    pub fn start(title: impl Into<String>) -> Timeline {
        let origin = Instant::now();
        let title = title.into();
        with_recording(|rec| {
            *rec = Recording {
                title,
                origin: Some(origin),
                ..Recording::fresh()
            }
        });
        Timeline { _handle: () }
    }

    /// A handle on the timeline being recorded, for fixtures that draw on
    /// it without knowing where the test started it.
    pub fn current() -> Timeline {
        Timeline { _handle: () }
    }

    /// Says that `label` should run from `start` to `end` after the
    /// timeline's start.
    pub fn expect(&self, label: impl Into<String>, start: Duration, end: Duration) {
        let bar = Bar {
            label: label.into(),
            start_ms: start.as_millis() as u64,
            end_ms: Some(end.as_millis() as u64),
        };
        with_recording(|rec| rec.push(true, bar));
    }

    /// Says that `label` happened from `start` to `end` after the
    /// timeline's start, for what the test learns after the fact and could
    /// not wrap in a [`span`](Timeline::span): times the code under test
    /// reported (the instants it says its ticks came).
    pub fn saw(&self, label: impl Into<String>, start: Duration, end: Duration) {
        let bar = Bar {
            label: label.into(),
            start_ms: start.as_millis() as u64,
            end_ms: Some(end.as_millis() as u64),
        };
        with_recording(|rec| rec.push(false, bar));
    }

    /// Wraps `fut` so that the timeline shows when it was first polled and
    /// when it finished, or was dropped unfinished (or that it never did
    /// either).
    pub fn span<F: Future>(&self, label: impl Into<String>, fut: F) -> Span<F> {
        Span {
            fut: Box::pin(fut),
            label: label.into(),
            slot: None,
            done: false,
        }
    }
}

/// Adds an observed bar from `start` to now and, when `expected` is given,
/// the bar that was expected from the same start. The title is `title`
/// unless the test started a timeline of its own.
pub(crate) fn measured(title: &str, label: &str, start: Instant, expected: Option<Duration>) {
    let now = Instant::now();
    with_recording(|rec| {
        if rec.title.is_empty() {
            rec.title = title.to_string();
        } else if !rec.expected.is_empty() {
            // The test drew what it expected bar by bar: the total adds
            // nothing that "done at" does not already say.
            return;
        }
        let start_ms = rec.ms(start);
        let end_ms = rec.ms(now);
        if let Some(expected) = expected {
            rec.push(
                true,
                Bar {
                    label: label.to_string(),
                    start_ms,
                    end_ms: Some(start_ms + expected.as_millis() as u64),
                },
            );
        }
        rec.push(
            false,
            Bar {
                label: label.to_string(),
                start_ms,
                end_ms: Some(end_ms),
            },
        );
    });
}

/// Adds a bar from `start` that had not ended when the test gave up on it
/// (now), and a tick where it gave up.
pub(crate) fn still_waiting(title: &str, label: &str, start: Instant) {
    let now = Instant::now();
    with_recording(|rec| {
        if rec.title.is_empty() {
            rec.title = title.to_string();
        }
        rec.gave_up = true;
        let start_ms = rec.ms(start);
        let gave_up = rec.ms(now);
        rec.push(
            false,
            Bar {
                label: label.to_string(),
                start_ms,
                end_ms: None,
            },
        );
        rec.push(
            false,
            Bar {
                label: "test gave up".to_string(),
                start_ms: gave_up,
                end_ms: Some(gave_up),
            },
        );
    });
}

/// Adds an event (a tick) at the current virtual time.
pub(crate) fn event(label: &str) {
    let now = Instant::now();
    with_recording(|rec| {
        let at = rec.ms(now);
        rec.push(
            false,
            Bar {
                label: label.to_string(),
                start_ms: at,
                end_ms: Some(at),
            },
        );
    });
}

/// Forgets everything recorded: a new seeded case starts its own timeline.
pub(crate) fn reset() {
    locked(true, |rec| *rec = None);
}

/// Called by the panic hook: prints the timeline for the grader, if it
/// asked for one and anything was recorded.
pub(crate) fn print_for_grader() {
    if std::env::var_os(TIMELINE_ENV).is_none() {
        return;
    }
    let json = locked(false, |rec| {
        let rec = rec.as_ref()?;
        if rec.expected.is_empty() && rec.observed.is_empty() {
            return None;
        }
        serde_json::to_string(rec).ok()
    });
    if let Some(json) = json.flatten() {
        eprintln!("{TIMELINE_MARKER}{json}");
    }
}

/// A future whose run is drawn on the timeline ([`Timeline::span`]).
pub struct Span<F> {
    fut: Pin<Box<F>>,
    label: String,
    /// The recording's generation and the index of its bar, once first
    /// polled.
    slot: Option<(u64, usize)>,
    /// It finished: dropping it now cancels nothing.
    done: bool,
}

impl<F> Span<F> {
    /// Ends its bar now, if the recording it was first polled in is still
    /// the one being recorded and the bar is still open.
    fn end_bar(&self) {
        let Some((generation, slot)) = self.slot else {
            return;
        };
        let now = Instant::now();
        with_recording(|rec| {
            if rec.generation != generation {
                return;
            }
            let end = rec.ms(now);
            if let Some(bar) = rec.observed.get_mut(slot)
                && bar.end_ms.is_none()
            {
                bar.end_ms = Some(end);
            }
        });
    }
}

impl<F: Future> Future for Span<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin (the inner future is boxed).
        let this = self.get_mut();
        if this.slot.is_none() {
            let now = Instant::now();
            let label = this.label.clone();
            this.slot = Some(with_recording(|rec| {
                let start_ms = rec.ms(now);
                // Past the cap the bar is not kept: an index past the end,
                // where ending it finds nothing.
                let slot = if rec.observed.len() < MAX_BARS {
                    rec.observed.len()
                } else {
                    usize::MAX
                };
                rec.push(
                    false,
                    Bar {
                        label,
                        start_ms,
                        end_ms: None,
                    },
                );
                (rec.generation, slot)
            }));
        }
        let poll = this.fut.as_mut().poll(cx);
        if poll.is_ready() && !this.done {
            this.done = true;
            this.end_bar();
        }
        poll
    }
}

impl<F> Drop for Span<F> {
    /// Dropped unfinished: cancelled (or its work panicked), and its bar
    /// ends here. Unless the test has given up on it: then it was still
    /// running, and its bar stays open. (A test's own panic is drawn by
    /// the panic hook before anything unwinds, so what its unwinding drops
    /// is never drawn as cancelled.)
    fn drop(&mut self) {
        if self.done || self.slot.is_none() {
            return;
        }
        let gave_up = locked(true, |rec| rec.as_ref().is_some_and(|rec| rec.gave_up));
        if gave_up != Some(true) {
            self.end_bar();
        }
    }
}

/// The recording so far, for the tests of this module and of the helpers
/// that draw on it.
#[cfg(test)]
pub(crate) fn snapshot() -> (String, Vec<Bar>, Vec<Bar>) {
    locked(true, |rec| {
        rec.as_ref().map_or_else(Default::default, |rec| {
            (
                rec.title.clone(),
                rec.expected.clone(),
                rec.observed.clone(),
            )
        })
    })
    .expect("waited for it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms;

    fn bar(label: &str, start_ms: u64, end_ms: Option<u64>) -> Bar {
        Bar {
            label: label.into(),
            start_ms,
            end_ms,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn spans_show_work_one_after_the_other() {
        let timeline = Timeline::start("two sleeps in a row");
        timeline.expect("a", ms(0), ms(317));
        timeline.expect("b", ms(0), ms(503));
        timeline.span("a", tokio::time::sleep(ms(317))).await;
        timeline.span("b", tokio::time::sleep(ms(503))).await;
        // Cut by a timeout after 10ms: its bar ends where it was dropped.
        let never = timeline.span("c", std::future::pending::<()>());
        let _ = tokio::time::timeout(ms(10), never).await;
        let (title, expected, observed) = snapshot();
        assert_eq!(title, "two sleeps in a row");
        assert_eq!(
            expected,
            vec![bar("a", 0, Some(317)), bar("b", 0, Some(503))]
        );
        assert_eq!(
            observed,
            vec![
                bar("a", 0, Some(317)),
                bar("b", 317, Some(820)),
                bar("c", 820, Some(830))
            ]
        );
    }

    /// Polls `fut` once, whatever it returns.
    async fn poll_once<F: Future>(mut fut: Pin<&mut F>) {
        std::future::poll_fn(|cx| {
            let _ = fut.as_mut().poll(cx);
            Poll::Ready(())
        })
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn work_the_test_gave_up_on_stays_open() {
        let timeline = Timeline::start("a hang");
        let never = timeline.span("stuck", std::future::pending::<()>());
        // within drops the future when it gives up, and then fails.
        let hung = tokio::spawn(crate::quiet_panics(crate::within(
            ms(250),
            "the hang",
            never,
        )));
        assert!(hung.await.is_err());
        let (_, _, observed) = snapshot();
        assert_eq!(
            observed,
            vec![
                bar("stuck", 0, None),
                bar("waiting", 0, None),
                bar("test gave up", 250, Some(250))
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_restarted_timeline_is_not_touched_by_older_spans() {
        let timeline = Timeline::start("first");
        let mut old = Box::pin(timeline.span("old", tokio::time::sleep(ms(100))));
        poll_once(old.as_mut()).await;
        let timeline = Timeline::start("second");
        let mut new = Box::pin(timeline.span("new", tokio::time::sleep(ms(400))));
        poll_once(new.as_mut()).await;
        tokio::time::sleep(ms(50)).await;
        drop(old);
        timeline.saw("reported", ms(10), ms(20));
        let (title, _, observed) = snapshot();
        assert_eq!(title, "second");
        assert_eq!(
            observed,
            vec![bar("new", 0, None), bar("reported", 10, Some(20))]
        );
        drop(new);
        let (_, _, observed) = snapshot();
        assert_eq!(observed[0], bar("new", 0, Some(50)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopwatch_draws_what_it_expected_and_what_it_saw() {
        reset();
        let watch = crate::Stopwatch::start();
        tokio::time::sleep(ms(750)).await;
        let _ = crate::catch_panic(|| watch.assert_elapsed(ms(250), "one call", ""));
        let (title, expected, observed) = snapshot();
        assert_eq!(title, "one call");
        assert_eq!(expected, vec![bar("elapsed", 0, Some(250))]);
        assert_eq!(observed, vec![bar("elapsed", 0, Some(750))]);
    }
}
