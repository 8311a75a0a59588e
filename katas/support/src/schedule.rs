//! More than one schedule.
//!
//! On tokio's current-thread runtime, tasks run in one fixed order: the same
//! test always interleaves them the same way, so many races can never
//! happen there. A `try_lock` that gives up when another caller holds the
//! lock, a request that overtakes an earlier one, a shared global standing
//! in for per-instance state: each passes one schedule and fails another.
//!
//! Two ways to see other schedules:
//!
//! - [`Jitter`] keeps the paused clock (so virtual time stays exact) and
//!   perturbs the polling order from a seed: a fixture that calls
//!   [`Jitter::pause`] between its steps, or a future wrapped in
//!   [`Jitter::wrap`], gives the runtime back a random number of times, so
//!   other tasks get in between. Every seed replays exactly.
//! - [`on_multi_thread`] runs a body on a real multi-thread runtime, where
//!   tasks truly run at the same time. tokio cannot pause the clock there,
//!   so such a body must not wait on timers; it is for contention (locks,
//!   counters, channels), repeated until luck cannot carry a race.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use crate::seeded::Rng;

/// A seeded source of extra yields, cheap to clone into every fixture.
#[derive(Debug, Clone)]
pub struct Jitter {
    rng: Arc<Mutex<Rng>>,
    /// At most this many yields at each point.
    most: u64,
}

impl Jitter {
    /// Up to 3 yields at each point, chosen from `seed`.
    pub fn new(seed: u64) -> Jitter {
        Jitter::with_most(seed, 3)
    }

    /// Up to `most` yields at each point.
    pub fn with_most(seed: u64, most: u64) -> Jitter {
        Jitter {
            rng: Arc::new(Mutex::new(Rng::new(seed))),
            most,
        }
    }

    /// A jitter that never yields: the schedule tokio would run anyway.
    pub fn none() -> Jitter {
        Jitter::with_most(0, 0)
    }

    fn draw(&self) -> u64 {
        if self.most == 0 {
            return 0;
        }
        self.rng.lock().unwrap().below(self.most + 1)
    }

    /// Yields to the runtime 0 to `most` times. Under the paused clock this
    /// never moves time: only the order in which ready tasks run changes.
    pub async fn pause(&self) {
        for _ in 0..self.draw() {
            tokio::task::yield_now().await;
        }
    }

    /// Wraps `fut` so that each time it is woken (and before its first
    /// poll) it may yield first, 0 to `most` times: whatever `fut` races
    /// against gets a chance to run first, in an order chosen by the seed.
    ///
    /// Only a real wake-up of `fut` draws new yields. A combinator that
    /// polls all its children on every wake (`join_all`, `select!`) would
    /// otherwise keep the wrapped futures yielding to each other forever,
    /// and the paused clock never gets to move.
    pub fn wrap<F: Future>(&self, fut: F) -> Jittered<F> {
        let woken = Arc::new(WokenFlag::default());
        Jittered {
            fut: Box::pin(fut),
            jitter: self.clone(),
            owed: 0,
            draw_next: true,
            inner_waker: Waker::from(woken.clone()),
            woken,
        }
    }
}

/// The waker `Jittered` gives its inner future: it notes that the inner
/// future was woken, then wakes whoever polls the `Jittered`.
#[derive(Default)]
struct WokenFlag {
    woken: AtomicBool,
    outer: Mutex<Option<Waker>>,
}

impl Wake for WokenFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        if let Some(outer) = self.outer.lock().unwrap().as_ref() {
            outer.wake_by_ref();
        }
    }
}

/// A future wrapped by [`Jitter::wrap`].
pub struct Jittered<F> {
    fut: Pin<Box<F>>,
    jitter: Jitter,
    /// Yields still to make before the next poll of `fut`.
    owed: u64,
    /// The next poll starts with a fresh draw (first poll, or `fut` woke).
    draw_next: bool,
    woken: Arc<WokenFlag>,
    inner_waker: Waker,
}

impl<F: Future> Future for Jittered<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin (the inner future is boxed).
        let this = self.get_mut();
        *this.woken.outer.lock().unwrap() = Some(cx.waker().clone());
        if this.woken.woken.swap(false, Ordering::SeqCst) {
            this.draw_next = true;
        }
        if this.draw_next {
            this.draw_next = false;
            this.owed = this.jitter.draw();
        }
        if this.owed > 0 {
            this.owed -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let mut inner_cx = Context::from_waker(&this.inner_waker);
        this.fut.as_mut().poll(&mut inner_cx)
    }
}

/// How long one multi-thread run may take, in real time, before it counts
/// as a hang. The bodies are contention tests that take microseconds.
pub const MULTI_THREAD_LIMIT: Duration = Duration::from_millis(1500);

/// Runs `body` `runs` times, each on a fresh multi-thread runtime with
/// `workers` worker threads, so that the tasks it spawns really run in
/// parallel and contend.
///
/// The body must not wait on timers: tokio's clock cannot be paused on
/// this runtime, and a test never sleeps in real time. A run that takes
/// longer than [`MULTI_THREAD_LIMIT`] fails as a hang (a deadlock between
/// tasks); a panic names the run it happened in.
#[track_caller]
pub fn on_multi_thread<F, Fut>(runs: u32, workers: usize, what: &str, mut body: F)
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    for run in 0..runs {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .expect("a multi-thread runtime for the test");
        let finished = runtime.block_on(async {
            let task = tokio::spawn(body(run));
            tokio::time::timeout(MULTI_THREAD_LIMIT, task).await
        });
        // Workers still running a deadlocked task must not keep the test
        // process alive.
        runtime.shutdown_background();
        match finished {
            Ok(Ok(())) => {}
            Ok(Err(join_error)) if join_error.is_panic() => {
                let message = crate::panics::panic_message(&*join_error.into_panic());
                panic!(
                    "{what}, on a multi-thread runtime with {workers} workers (run {} of {runs}): {message}",
                    run + 1
                );
            }
            Ok(Err(join_error)) => panic!("{what}: the test's task ended with {join_error}"),
            Err(_) => panic!(
                "{what} never finished on a multi-thread runtime with {workers} workers (run {} of \
                 {runs}): still waiting after {} of real time, where it takes microseconds. Two \
                 tasks are waiting for each other: a lock held while waiting for another, or a \
                 reply that never comes.",
                run + 1,
                crate::clock::fmt_duration(MULTI_THREAD_LIMIT)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Two tasks appending to one log: the interleaving depends on the seed.
    async fn interleaving(seed: u64) -> Vec<&'static str> {
        let jitter = Jitter::new(seed);
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for name in ["a", "b"] {
            let (jitter, log) = (jitter.clone(), log.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..3 {
                    jitter.pause().await;
                    log.lock().unwrap().push(name);
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }

        log.lock().unwrap().clone()
    }

    #[tokio::test(start_paused = true)]
    async fn a_seed_replays_its_schedule_and_seeds_differ() {
        assert_eq!(interleaving(5).await, interleaving(5).await);
        let mut schedules = Vec::new();
        for seed in 0..16 {
            schedules.push(interleaving(seed).await);
        }
        schedules.sort();
        schedules.dedup();
        assert!(schedules.len() > 2, "{schedules:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn jitter_never_moves_the_clock() {
        let start = tokio::time::Instant::now();
        let jitter = Jitter::with_most(1, 10);
        for _ in 0..20 {
            jitter.pause().await;
        }
        let value = jitter
            .wrap(async {
                tokio::time::sleep(Duration::from_millis(317)).await;
                7
            })
            .await;
        assert_eq!(value, 7);
        assert_eq!(start.elapsed(), Duration::from_millis(317));
    }

    #[tokio::test(start_paused = true)]
    async fn wrapped_futures_joined_together_let_the_clock_move() {
        // join_all polls every child on each wake: wrapped children must
        // not keep waking each other.
        let start = tokio::time::Instant::now();
        let jitter = Jitter::with_most(9, 3);
        let sleeps = (1..=40u64).map(|i| {
            jitter.wrap(async move {
                tokio::time::sleep(Duration::from_millis(i * 7)).await;
                i
            })
        });
        let outputs = futures_join_all(sleeps.collect()).await;
        assert_eq!(outputs, (1..=40).collect::<Vec<_>>());
        assert_eq!(start.elapsed(), Duration::from_millis(280));
    }

    /// A join_all that polls every child on each wake, like futures' does.
    async fn futures_join_all<F: Future + Unpin>(mut futs: Vec<F>) -> Vec<F::Output> {
        let mut outputs: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
        std::future::poll_fn(move |cx| {
            for (fut, out) in futs.iter_mut().zip(outputs.iter_mut()) {
                if out.is_none()
                    && let Poll::Ready(v) = Pin::new(&mut *fut).poll(cx)
                {
                    *out = Some(v);
                }
            }
            if outputs.iter().all(Option::is_some) {
                Poll::Ready(outputs.drain(..).map(Option::unwrap).collect())
            } else {
                Poll::Pending
            }
        })
        .await
    }

    #[test]
    fn multi_thread_runs_really_contend() {
        let counter = Arc::new(AtomicUsize::new(0));
        let seen = counter.clone();
        on_multi_thread(3, 2, "counting", move |_| {
            let counter = seen.clone();
            async move {
                let tasks: Vec<_> = (0..4)
                    .map(|_| {
                        let counter = counter.clone();
                        tokio::spawn(async move {
                            counter.fetch_add(1, Ordering::SeqCst);
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            }
        });
        assert_eq!(counter.load(Ordering::SeqCst), 12);
    }

    #[test]
    #[should_panic(expected = "(run 1 of 2): lost an update")]
    fn a_panic_names_its_run() {
        on_multi_thread(2, 2, "counting", |_| async { panic!("lost an update") });
    }
}
