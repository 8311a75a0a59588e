//! Grading tests for kata 37: a `Stream` written by hand.
//!
//! Every test runs on tokio's paused clock: `max_wait` and the gaps between
//! items are exact virtual milliseconds. The inner stream is scripted
//! ([`Scripted`], written by hand below): each item is available from its
//! own instant on (a consumer that comes late gets it at once), several
//! items may come at the same instant, the stream ends at an instant of its
//! own, and it panics if polled after its end. Seeded cases draw odd gaps,
//! bursts, `max_items` from 1 to more than there are items, odd `max_wait`s,
//! a consumer that sometimes takes a while after each batch, and an inner
//! stream that sometimes answers `Pending` (waking itself) once or twice
//! before an item it has, so `Batches` is polled when neither an item nor
//! its timer is due. Each case is checked against a model of `Batches`
//! ([`Case::expected`]) that follows the README to the letter.
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | `Pending` after taking an item, with neither `inner` nor the timer holding the waker (hangs) | `a_lone_item_goes_out_after_max_wait` |
//! | no `Sleep`: the deadline compared with `Instant::now()` whenever something else wakes the task | `a_lone_item_goes_out_after_max_wait`, `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | busy waiting: `wake_by_ref()` then `Pending` until the deadline (the paused clock never moves) | `a_lone_item_goes_out_after_max_wait` |
//! | `wake_by_ref()` after every item instead of taking the next one in a loop | `each_poll_has_a_reason` |
//! | `wake_by_ref()` when a full batch goes out ("inner may have more"): a poll for nothing per full batch | `each_poll_has_a_reason` |
//! | the timer restarted by every item (a debounce), or re-armed on every call | `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | the timer not restarted after a full batch (a stale deadline) | `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | the timer started when the consumer asks for a batch, not at the batch's first item | `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | a `Sleep` made as a local in `poll_next` (dropped, and its wake-up with it, when the call returns) | `a_lone_item_goes_out_after_max_wait` |
//! | `std::time::Instant` to measure the wait (it does not follow tokio's clock) | `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | whatever is ready yielded when `inner` is `Pending` (ignores `max_wait`) | `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | the timer looked at before `inner` (an item at the deadline misses its batch) | `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | any wake-up taken for the timer firing | `dropping_next_half_way_loses_nothing`, `each_batch_goes_out_when_it_is_full_or_its_time_is_up` |
//! | items taken from `inner` before their batch needs it (`inner` polled on after a full batch, a read-ahead buffer): a slow consumer's next batch starts its `max_wait` early | `no_item_is_taken_before_its_batch_needs_it` |
//! | a batch one over `max_items` (`>` instead of `>=`) | `every_item_comes_out_once_in_order` |
//! | the last, partial batch dropped when `inner` ends | `every_item_comes_out_once_in_order`, `the_last_batch_comes_at_the_end_then_none_forever` |
//! | `inner` polled again after it ended (the end not remembered, or remembered only when it came with a last batch) | `the_last_batch_comes_at_the_end_then_none_forever` |
//! | an empty batch handed on when `inner` ends between batches | `the_last_batch_comes_at_the_end_then_none_forever` |
//! | empty batches when the timer fires with nothing in it (a timer that runs all the time) | `every_item_comes_out_once_in_order`, `waiting_wakes_nothing` |
//! | a short timer in a loop to check the deadline (a polling loop) | `waiting_wakes_nothing` |
//! | a task spawned to drive `inner`, left running when `Batches` is dropped | `dropping_batches_stops_everything` |
//! | `max_items` of 0 accepted | `max_items_of_zero_is_refused` |
//! | `S: Unpin` (or `Send`, `'static`, `Clone` items) asked of the inner stream | the test file `inputs_need_no_extra_traits` does not compile |

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::future::Future as _;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use kata_37_hand_written_stream::Batches;
use kata_support::{
    DropFlag, DropProbe, ONE_TIMER, Rng, Timeline, Wakeups, assert_nothing_left_running,
    cancel_after, catch_panic, count_polls, for_each_seed, ms, no_spin, within, within_else,
};
use tokio::time::{Instant, Sleep, sleep, sleep_until};

/// What the test knows about its scripted inner stream.
#[derive(Debug, Default)]
struct Watch {
    /// Polls after the stream returned `Ready(None)`.
    after_end: AtomicU64,
    /// Items the stream has handed out so far.
    taken: AtomicU64,
}

/// The inner stream: `items` each available from its own instant on, then
/// the end at `end`.
struct Scripted {
    items: VecDeque<(u32, Instant)>,
    end: Instant,
    timer: Option<Pin<Box<Sleep>>>,
    ended: bool,
    // Spurious `Pending`s (with a wake-up of its own) before an item or the
    // end it has: 0 to 2 each, from this seed; `None`: never.
    jitter: Option<Rng>,
    owed: Option<u64>,
    watch: Arc<Watch>,
    _probe: DropProbe,
}

impl Scripted {
    fn new(
        items: &[(u32, u64)],
        end_ms: u64,
        jitter: Option<u64>,
    ) -> (Scripted, Arc<Watch>, DropFlag) {
        let start = Instant::now();
        let watch = Arc::new(Watch::default());
        let (flag, probe) = DropFlag::new();
        let stream = Scripted {
            items: items
                .iter()
                .map(|&(value, at)| (value, start + ms(at)))
                .collect(),
            end: start + ms(end_ms),
            timer: None,
            ended: false,
            jitter: jitter.map(Rng::new),
            owed: None,
            watch: watch.clone(),
            _probe: probe,
        };
        (stream, watch, flag)
    }
}

impl Stream for Scripted {
    type Item = u32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        // Every field is Unpin.
        let this = self.get_mut();
        if this.ended {
            this.watch.after_end.fetch_add(1, Ordering::SeqCst);
            panic!(
                "Batches polled its inner stream again after the inner stream had returned \
                 Ready(None). A stream that has ended may do anything when polled again (this \
                 one panics; others start over or return garbage): remember that `inner` \
                 ended, and from then on answer Ready(None) yourself, without polling it."
            );
        }
        loop {
            let now = Instant::now();
            let due = match this.items.front() {
                Some(&(_, at)) => at,
                None => this.end,
            };
            if due <= now {
                // Due: maybe make the caller wait a poll or two first.
                if let Some(rng) = this.jitter.as_mut() {
                    let owed = this.owed.get_or_insert_with(|| rng.below(3));
                    if *owed > 0 {
                        *owed -= 1;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                }
                this.owed = None;
                this.timer = None;
                return Poll::Ready(match this.items.pop_front() {
                    Some((value, _)) => {
                        this.watch.taken.fetch_add(1, Ordering::SeqCst);
                        Some(value)
                    }
                    None => {
                        this.ended = true;
                        None
                    }
                });
            }
            let timer = this.timer.get_or_insert_with(|| Box::pin(sleep_until(due)));
            if timer.deadline() != due {
                timer.as_mut().reset(due);
            }
            match timer.as_mut().poll(cx) {
                Poll::Ready(()) => continue,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// One batch and the virtual ms it came out at.
type Out = (Vec<u32>, u64);

/// A script for `Batches`: the inner stream, the limits, and how the
/// consumer behaves.
#[derive(Debug, Clone)]
struct Case {
    /// Each item and the virtual ms from which it is available.
    items: Vec<(u32, u64)>,
    end: u64,
    max_items: usize,
    max_wait: u64,
    /// How long the consumer takes after its k-th batch before it asks
    /// for the next one (cycled; empty: never).
    pauses: Vec<u64>,
    jitter: Option<u64>,
}

impl Case {
    fn pause(&self, k: usize) -> u64 {
        if self.pauses.is_empty() {
            0
        } else {
            self.pauses[k % self.pauses.len()]
        }
    }

    /// What `Batches` must do, from the README: the batches with the
    /// instant each goes out, and the instant of the `None`; and whether a
    /// deadline falls on the instant of an item or the end (a tie, which
    /// the README settles: `inner` first).
    fn expected(&self) -> (Vec<Out>, u64, bool) {
        let n = self.items.len();
        let mut out = Vec::new();
        let mut next = 0;
        let mut call = 0;
        let mut tie = false;
        loop {
            // A call of next() at `call`, with no batch started.
            let mut now = call;
            let mut batch = Vec::new();
            let mut deadline: Option<u64> = None;
            let ended = loop {
                while next < n && self.items[next].1 <= now && batch.len() < self.max_items {
                    if batch.is_empty() {
                        let at = now + self.max_wait;
                        tie |= self.items.iter().any(|item| item.1 == at) || self.end == at;
                        deadline = Some(at);
                    }
                    batch.push(self.items[next].0);
                    next += 1;
                }
                if batch.len() == self.max_items {
                    break false;
                }
                if next == n && self.end <= now {
                    if batch.is_empty() {
                        return (out, now, tie);
                    }
                    break true;
                }
                if deadline.is_some_and(|at| at <= now) {
                    break false;
                }
                let inner = if next < n {
                    self.items[next].1
                } else {
                    self.end
                };
                now = inner.min(deadline.unwrap_or(u64::MAX));
            };
            out.push((batch, now));
            call = now + self.pause(out.len() - 1);
            if ended {
                return (out, call, tie);
            }
        }
    }

    fn what(&self) -> String {
        let mut items = String::new();
        let mut i = 0;
        while i < self.items.len() {
            let at = self.items[i].1;
            let same: Vec<String> = self.items[i..]
                .iter()
                .take_while(|item| item.1 == at)
                .map(|item| item.0.to_string())
                .collect();
            i += same.len();
            let _ = write!(items, "{} at {at}ms, ", same.join(" "));
        }
        let consumer = if self.pauses.is_empty() {
            String::new()
        } else {
            format!(
                "; the consumer takes {} after each batch before it asks for the next",
                self.pauses
                    .iter()
                    .map(|p| format!("{p}ms"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let jitter = if self.jitter.is_some() {
            "; the inner stream sometimes answers Pending (and wakes itself) before an item it has"
        } else {
            ""
        };
        format!(
            "Batches::new(inner, max_items {}, max_wait {}ms) over an inner stream with \
             {items}end at {}ms{consumer}{jitter}",
            self.max_items, self.max_wait, self.end
        )
    }

    /// A seeded case; `jitter` makes the inner stream answer `Pending`
    /// now and then (such cases avoid ties: with a spurious `Pending` at the
    /// instant of a deadline, the README does not say which comes first).
    fn seeded(rng: &mut Rng, jitter: bool) -> Case {
        loop {
            let case = Case::draw(rng, jitter);
            if !jitter || !case.expected().2 {
                return case;
            }
        }
    }

    fn draw(rng: &mut Rng, jitter: bool) -> Case {
        let n = rng.range(3, 18) as usize;
        let mut items = Vec::new();
        let mut at = if rng.chance(1, 3) {
            0
        } else {
            rng.odd_ms(7, 400)
        };
        while items.len() < n {
            // Bursts: several items at one instant.
            let burst = if rng.chance(1, 3) { rng.range(2, 5) } else { 1 };
            for _ in 0..burst {
                if items.len() < n {
                    items.push((rng.range(1, 999) as u32, at));
                }
            }
            at += rng.odd_ms(7, 700);
        }
        let last = items.last().unwrap().1;
        let end = if rng.chance(1, 4) {
            last
        } else {
            last + rng.odd_ms(7, 900)
        };
        let max_items = match rng.below(4) {
            0 => 1,
            1 => n + rng.range(0, 2) as usize,
            _ => rng.range(2, 6) as usize,
        };
        let max_wait = if rng.chance(1, 6) {
            rng.odd_ms(20_000, 40_000)
        } else {
            rng.odd_ms(51, 997)
        };
        let pauses = if rng.chance(1, 2) {
            Vec::new()
        } else {
            (0..rng.range(1, 4)).map(|_| rng.odd_ms(13, 900)).collect()
        };
        Case {
            items,
            end,
            max_items,
            max_wait,
            pauses,
            jitter: jitter.then(|| rng.next_u64()),
        }
    }

    fn inner(&self) -> (Scripted, Arc<Watch>, DropFlag) {
        Scripted::new(&self.items, self.end, self.jitter)
    }

    /// Runs the case: the batches with their instants, and the instant of
    /// the `None`.
    async fn run(&self) -> (Vec<Out>, u64) {
        let (inner, _, _) = self.inner();
        let what = self.what();
        let timeline = Timeline::current();
        let start = Instant::now();
        let (expected, _, _) = self.expected();
        let mut call = 0;
        for (k, (_, at)) in expected.iter().enumerate() {
            timeline.expect(format!("next() #{}", k + 1), ms(call), ms(*at));
            call = at + self.pause(k);
        }
        let consume = async {
            let mut batches = pin!(Batches::new(inner, self.max_items, ms(self.max_wait)));
            let mut out = Vec::new();
            loop {
                let label = format!("next() #{}", out.len() + 1);
                let got = timeline.span(label, batches.next()).await;
                let at = (Instant::now() - start).as_millis() as u64;
                match got {
                    Some(batch) => {
                        out.push((batch, at));
                        let pause = self.pause(out.len() - 1);
                        if pause > 0 {
                            sleep(ms(pause)).await;
                        }
                    }
                    None => return (out, at),
                }
                if out.len() > 500 {
                    // Endless batches: enough to show what went wrong.
                    return (out, at);
                }
            }
        };
        within_else(ms(3_600_000), &what, no_spin(&what, consume), || {
            format!(
                "{what}: the batches never ended: an hour of virtual time after the start, \
                 the consumer was still waiting for a batch or for None. A poll_next that \
                 returns Pending when nothing it polled in that call returned Pending has \
                 nobody to wake it: after taking an item, keep polling `inner` until it says \
                 Pending, and poll the batch's timer (a Sleep stored in the struct) whenever \
                 a batch is started and `inner` is Pending."
            )
        })
        .await
    }
}

fn show(batches: &[Out]) -> String {
    let mut text = String::new();
    for (k, (batch, at)) in batches.iter().enumerate() {
        let _ = writeln!(text, "  batch {}: {batch:?} at {at}ms", k + 1);
    }
    if batches.is_empty() {
        text.push_str("  (no batch)\n");
    }
    text
}

/// What a difference between the batches that came and those expected
/// usually means.
fn diagnose(case: &Case, got: &[Out], expected: &[Out]) -> String {
    let Some(k) = (0..got.len().max(expected.len())).find(|&k| got.get(k) != expected.get(k))
    else {
        return String::new();
    };
    let (Some((got_batch, got_at)), Some((want_batch, want_at))) = (got.get(k), expected.get(k))
    else {
        return format!(
            "The first difference is batch {}: it {}.",
            k + 1,
            if got.len() > expected.len() {
                "should not exist"
            } else {
                "never came"
            }
        );
    };
    let first = format!(
        "The first difference is batch {}: expected {want_batch:?} at {want_at}ms, got \
         {got_batch:?} at {got_at}ms.",
        k + 1
    );
    let meaning = if got_at > want_at {
        if want_batch.len() < case.max_items {
            "It came late. A partial batch must go out when max_wait has passed since its \
             first item: that needs a tokio Sleep, stored in the struct, started when the \
             batch's first item is taken, and polled whenever `inner` is Pending (polling it \
             registers the waker). A deadline checked only when an item happens to wake the \
             task, or a timer restarted by every item or by every call, goes out late."
        } else {
            "It came late although it was full by then: a full batch goes out at once, in \
             the same call that takes its last item."
        }
    } else if got_at < want_at {
        "It came early: before it was full, before max_wait had passed since its first \
         item, and before the end of `inner`. Is the timer started at the first item of \
         *this* batch (not when the previous batch went out, and not left over from the \
         previous batch after a full one)? Do you take a poll for the timer firing without \
         polling the timer? Polls come for other reasons too (here `inner` or the \
         consumer's task wakes it); and whatever `inner` has ready is not a batch unless \
         it is full or its time is up."
    } else if got_batch.len() < want_batch.len() {
        "At the right instant, but with fewer items: in each call, take everything `inner` \
         has ready first (poll it until it answers Pending), and only then look at the \
         timer; an item that arrives at the instant of the deadline belongs to the batch."
    } else {
        "At the right instant, but with other items."
    };
    format!("{first} {meaning}")
}

#[tokio::test(start_paused = true)]
async fn every_item_comes_out_once_in_order() {
    let mut shape = 0;
    for_each_seed(48, |mut rng| {
        shape += 1;
        let case = Case::seeded(&mut rng, shape % 3 == 0);
        async move {
            let (got, _) = case.run().await;
            let items: Vec<u32> = case.items.iter().map(|item| item.0).collect();
            let flat: Vec<u32> = got.iter().flat_map(|(batch, _)| batch.clone()).collect();
            assert_eq!(
                flat,
                items,
                "{}: the batches, put together, are not the items of the inner stream in \
                 order. Every item must come out exactly once, in the order `inner` gave it; \
                 the last batch, however small, goes out when `inner` ends.\nThe batches:\n{}",
                case.what(),
                show(&got)
            );
            for (k, (batch, at)) in got.iter().enumerate() {
                assert!(
                    !batch.is_empty(),
                    "{}: batch {} is empty (at {at}ms). A batch is never empty: with no item, \
                     no timer runs (start it at a batch's first item) and nothing goes out.\n\
                     The batches:\n{}",
                    case.what(),
                    k + 1,
                    show(&got)
                );
                assert!(
                    batch.len() <= case.max_items,
                    "{}: batch {} holds {} items, more than max_items ({}). A batch goes out \
                     as soon as it holds max_items items (check `>=` against `>`).\nThe \
                     batches:\n{}",
                    case.what(),
                    k + 1,
                    batch.len(),
                    case.max_items,
                    show(&got)
                );
            }
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn each_batch_goes_out_when_it_is_full_or_its_time_is_up() {
    check_the_model();
    // By hand first: an item at the very instant of the deadline belongs to
    // the batch (inner first, then the timer); a batch full before its
    // deadline goes out at once and the next batch gets a timer of its own.
    let by_hand = [
        Case {
            items: vec![(5, 0), (8, 130), (2, 317), (9, 318), (4, 713)],
            end: 2_000,
            max_items: 5,
            max_wait: 317,
            pauses: Vec::new(),
            jitter: None,
        },
        Case {
            items: vec![(7, 11), (3, 53), (6, 97), (1, 171), (4, 1_009)],
            end: 1_009,
            max_items: 3,
            max_wait: 263,
            pauses: Vec::new(),
            jitter: None,
        },
    ];
    for case in by_hand {
        check_schedule(&case).await;
    }
    let mut shape = 0;
    for_each_seed(64, |mut rng| {
        shape += 1;
        let case = Case::seeded(&mut rng, shape % 3 == 0);
        async move { check_schedule(&case).await }
    })
    .await;
}

/// The model itself, checked on cases worked out by hand before it judges
/// anyone.
fn check_the_model() {
    // max_items 3,
    // max_wait 300ms. 1 at 0 starts batch A (deadline 300); 2, 3 at 100
    // fill it: A = [1 2 3] at 100. 4 at 200 starts B (deadline 500); 5 at
    // 500 arrives at its deadline and joins it: B = [4 5] at 500. 6 at 900
    // starts C (deadline 1200); the end at 1000 flushes C = [6] at 1000.
    let case = Case {
        items: vec![(1, 0), (2, 100), (3, 100), (4, 200), (5, 500), (6, 900)],
        end: 1_000,
        max_items: 3,
        max_wait: 300,
        pauses: vec![],
        jitter: None,
    };
    let (out, none_at, tie) = case.expected();
    assert_eq!(
        out,
        [(vec![1, 2, 3], 100), (vec![4, 5], 500), (vec![6], 1_000)]
    );
    assert_eq!(none_at, 1_000);
    assert!(tie);
    // A consumer that pauses 250ms after each batch: items wait in `inner`.
    let slow = Case {
        pauses: vec![250],
        ..case
    };
    let (out, none_at, _) = slow.expected();
    // A at 100; back at 350: 4 (there since 200) starts B (deadline 650),
    // 5 at 500 joins, B = [4 5] at 650; back at 900: 6 starts C, the end at
    // 1000 flushes it; back at 1250: None.
    assert_eq!(
        out,
        [(vec![1, 2, 3], 100), (vec![4, 5], 650), (vec![6], 1_000)]
    );
    assert_eq!(none_at, 1_250);
}

async fn check_schedule(case: &Case) {
    Timeline::start(case.what());
    let (expected, none_at, _) = case.expected();
    let (got, got_none) = case.run().await;
    assert!(
        got == expected,
        "{}: the batches did not go out as they should.\nExpected:\n{}Got:\n{}{}",
        case.what(),
        show(&expected),
        show(&got),
        diagnose(case, &got, &expected)
    );
    assert_eq!(
        got_none,
        none_at,
        "{}: the batches were right, but the None came at {got_none}ms, expected at \
         {none_at}ms: when `inner` ends with no batch started, answer Ready(None) in that \
         same call.",
        case.what()
    );
}

/// A batch takes from `inner` only the items it needs: once it is full it
/// goes out, and the items after it stay in `inner` until the consumer asks
/// for the next batch. Taken early (read ahead into a buffer, or `inner`
/// polled on after the batch was full), an item starts its batch's
/// `max_wait` before the consumer even asked for that batch.
#[tokio::test(start_paused = true)]
async fn no_item_is_taken_before_its_batch_needs_it() {
    for_each_seed(32, |mut rng| async move {
        let mut case = Case::seeded(&mut rng, false);
        // A consumer that takes a while, so items pile up in `inner`.
        if case.pauses.is_empty() {
            case.pauses = vec![rng.odd_ms(13, 900)];
        }
        let what = case.what();
        let (inner, watch, _) = case.inner();
        let start = Instant::now();
        let consume = async {
            let mut batches = pin!(Batches::new(inner, case.max_items, ms(case.max_wait)));
            let mut delivered = Vec::new();
            let mut k = 0;
            while let Some(batch) = batches.next().await {
                k += 1;
                let at = (Instant::now() - start).as_millis() as u64;
                delivered.extend(batch.iter().copied());
                let taken = watch.taken.load(Ordering::SeqCst) as usize;
                assert!(
                    taken == delivered.len(),
                    "{what}: when batch {k} ({batch:?}) went out at {at}ms, Batches had taken \
                     {taken} items from `inner` but handed on {} in all: it took items before \
                     a batch needed them (it went on polling `inner` after the batch was \
                     full, or read ahead into a buffer). An item taken early starts its \
                     batch's max_wait early: with a consumer that takes a while, that batch \
                     goes out before its time. Stop polling `inner` the moment the batch is \
                     full; the next items wait in `inner` until the next call of poll_next.",
                    delivered.len()
                );
                let pause = case.pause(k - 1);
                if pause > 0 {
                    sleep(ms(pause)).await;
                }
            }
            delivered
        };
        let delivered = within(ms(3_600_000), &what, no_spin(&what, consume)).await;
        let items: Vec<u32> = case.items.iter().map(|item| item.0).collect();
        assert_eq!(
            delivered, items,
            "{what}: the batches, put together, are not the items of the inner stream in order."
        );
    })
    .await;
    // By hand: 5, 8 and 2 are there at 0ms, max_items 2, and the consumer
    // takes 301ms after each batch. [5 8] at 0ms; 2 is taken when the
    // consumer is back, at 301ms, so its batch goes out at 301 + 101ms.
    // Taken at 0ms with [5 8], it would go out at 301ms.
    check_schedule(&Case {
        items: vec![(5, 0), (8, 0), (2, 0), (9, 503)],
        end: 2_000,
        max_items: 2,
        max_wait: 101,
        pauses: vec![301],
        jitter: None,
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_lone_item_goes_out_after_max_wait() {
    for_each_seed(6, |mut rng| async move {
        let arrives = rng.odd_ms(0, 600);
        let max_wait = rng.odd_ms(51, 4_000);
        let value = rng.range(1, 999) as u32;
        let end = 3_600_000 + rng.odd_ms(0, 999);
        let (inner, _, _) = Scripted::new(&[(value, arrives)], end, None);
        let what = format!(
            "Batches::new(inner, max_items 4, max_wait {max_wait}ms) over an inner stream \
             with one item ({value}) at {arrives}ms, then nothing for an hour"
        );
        let start = Instant::now();
        let mut batches = pin!(Batches::new(inner, 4, ms(max_wait)));
        let got = within_else(
            ms(arrives + max_wait + 60_000),
            &what,
            no_spin(&what, batches.next()),
            || {
                format!(
                    "{what}: the batch with the lone item never came (still waiting a minute \
                     after its max_wait had passed). After taking the item, poll_next \
                     returned Pending with nobody to wake it: `inner` had answered Ready, so \
                     it holds no waker, and a Sleep that is created but not polled has not \
                     registered one either. Store the batch's timer in the struct and poll \
                     it whenever a batch is started and `inner` is Pending."
                )
            },
        )
        .await;
        let at = (Instant::now() - start).as_millis() as u64;
        assert_eq!(
            got,
            Some(vec![value]),
            "{what}: the first batch was {got:?}, expected [{value}]."
        );
        assert_eq!(
            at,
            arrives + max_wait,
            "{what}: the batch came at {at}ms, expected at {}ms ({arrives}ms + max_wait). {}",
            arrives + max_wait,
            if at > arrives + max_wait {
                "Late: nothing woke the task at the deadline. Is the timer a Sleep polled \
                 whenever `inner` is Pending, or a deadline looked at only when something \
                 else wakes the task?"
            } else {
                "Early: max_wait counts from the moment the batch's first item is taken."
            }
        );
        let rest = within(ms(7_200_000), &what, no_spin(&what, batches.next())).await;
        assert_eq!(
            rest, None,
            "{what}: after the lone item's batch, expected None at the end of the inner stream."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_last_batch_comes_at_the_end_then_none_forever() {
    // (items, end, max_items, max_wait) and what must come out.
    let cases: Vec<(Case, &str)> = vec![
        (
            Case {
                items: vec![],
                end: 0,
                max_items: 3,
                max_wait: 211,
                pauses: vec![],
                jitter: None,
            },
            "an empty inner stream: None at once",
        ),
        (
            Case {
                items: vec![],
                end: 733,
                max_items: 3,
                max_wait: 211,
                pauses: vec![],
                jitter: None,
            },
            "an inner stream that ends at 733ms without an item: None at 733ms",
        ),
        (
            Case {
                items: vec![(4, 17), (9, 101)],
                end: 413,
                max_items: 3,
                max_wait: 997,
                pauses: vec![],
                jitter: None,
            },
            "the end flushes the partial batch at once (413ms, long before its deadline)",
        ),
        (
            Case {
                items: vec![(4, 17), (9, 17), (6, 17), (2, 59), (8, 59), (1, 59)],
                end: 59,
                max_items: 3,
                max_wait: 997,
                pauses: vec![],
                jitter: None,
            },
            "the end comes with a full batch: no empty batch after it, just None",
        ),
        (
            Case {
                items: vec![(4, 17), (9, 19)],
                end: 341,
                max_items: 5,
                max_wait: 211,
                pauses: vec![],
                jitter: None,
            },
            "the end comes after the last batch's timer: None at the end",
        ),
        (
            Case {
                items: vec![(3, 0), (5, 0), (7, 0), (2, 0)],
                end: 0,
                max_items: 3,
                max_wait: 211,
                pauses: vec![167],
                jitter: None,
            },
            "every item and the end at once: a full batch, then the rest when the \
             consumer comes back",
        ),
    ];
    for (case, meaning) in cases {
        let (inner, watch, _) = case.inner();
        let what = format!("{} ({meaning})", case.what());
        let (expected, none_at, _) = case.expected();
        let start = Instant::now();
        let mut batches = pin!(Batches::new(inner, case.max_items, ms(case.max_wait)));
        let mut got = Vec::new();
        let mut k = 0;
        let got_none = loop {
            let next = within(ms(60_000), &what, no_spin(&what, batches.next())).await;
            let at = (Instant::now() - start).as_millis() as u64;
            match next {
                Some(batch) if got.len() < 20 => {
                    got.push((batch, at));
                    sleep(ms(case.pause(k))).await;
                    k += 1;
                }
                _ => break at,
            }
        };
        let end_meaning = if got.len() == expected.len() && got_none == none_at {
            String::new()
        } else {
            "\nWhen `inner` ends (Ready(None)), the batch being filled goes out at once, \
             however small; with no batch started, the answer is Ready(None) in that same \
             call. A batch is never empty."
                .to_string()
        };
        assert!(
            got == expected && got_none == none_at,
            "{what}: expected\n{}  then None at {none_at}ms; got\n{}  then None at \
             {got_none}ms.\n{}{end_meaning}",
            show(&expected),
            show(&got),
            diagnose(&case, &got, &expected),
        );
        // Fused: None again and again, without polling `inner`.
        for again in 1..=3 {
            let next = within(ms(60_000), &what, no_spin(&what, batches.next())).await;
            assert!(
                next.is_none(),
                "{what}: after the None, call {again} more of next() gave {next:?}. Once \
                 `inner` has ended and the last batch is out, Batches answers Ready(None) on \
                 every call."
            );
        }
        assert_eq!(
            watch.after_end.load(Ordering::SeqCst),
            0,
            "{what}: the inner stream was polled after it had ended."
        );
    }
}

#[tokio::test(start_paused = true)]
async fn waiting_wakes_nothing() {
    // No batch started: a full batch at once, then an inner stream quiet
    // for a minute before its next item.
    let (inner, _, _) = Scripted::new(&[(1, 0), (2, 0), (3, 61_013)], 61_013, None);
    let what = "Batches::new(inner, max_items 2, max_wait 317ms) with no batch started, \
                waiting for an inner stream that stays quiet for a minute";
    let mut batches = pin!(Batches::new(inner, 2, ms(317)));
    let first = within(ms(60_000), what, no_spin(what, batches.next())).await;
    assert_eq!(first, Some(vec![1, 2]), "{what}: the first batch");
    let wakeups = Wakeups::start();
    let next = within(ms(120_000), what, no_spin(what, batches.next())).await;
    assert_eq!(next, Some(vec![3]), "{what}: the second batch");
    // The inner stream's own timer, and one left over from the batch.
    wakeups.assert_at_most(ONE_TIMER + 2, ms(61_013), what);

    // A batch started, with a max_wait of 40 s: only its timer fires.
    let (inner, _, _) = Scripted::new(&[(4, 0), (5, 51_001)], 51_001, None);
    let what = "Batches::new(inner, max_items 2, max_wait 40001ms) with one item in its \
                batch, waiting for its deadline";
    let mut batches = pin!(Batches::new(inner, 2, ms(40_001)));
    let wakeups = Wakeups::start();
    let first = within(ms(60_000), what, no_spin(what, batches.next())).await;
    assert_eq!(first, Some(vec![4]), "{what}: the first batch");
    wakeups.assert_at_most(ONE_TIMER + 2, ms(40_001), what);
    let rest = within(ms(60_000), what, no_spin(what, batches.next())).await;
    assert_eq!(rest, Some(vec![5]), "{what}: the second batch");
}

#[tokio::test(start_paused = true)]
async fn each_poll_has_a_reason() {
    // Bursts of items: every item of a burst is ready in one call.
    let items: Vec<(u32, u64)> = [(0, 7), (211, 5), (1_013, 9), (1_409, 1), (2_003, 6)]
        .iter()
        .enumerate()
        .flat_map(|(b, &(at, count))| (0..count).map(move |i| ((b * 10 + i) as u32, at)))
        .collect();
    check_polls_have_reasons(Case {
        items,
        end: 2_717,
        max_items: 4,
        max_wait: 317,
        pauses: Vec::new(),
        jitter: None,
    })
    .await;
    for_each_seed(24, |mut rng| async move {
        let mut case = Case::seeded(&mut rng, false);
        case.pauses.clear();
        check_polls_have_reasons(case).await;
    })
    .await;
}

/// How often the consumer's task may be polled when it asks for each batch
/// at once and the inner stream never answers Pending without cause: a
/// first poll, one per instant something is due (items arrive, a batch's
/// deadline, the end), and one per full batch whose timer was already
/// running before the call that filled it (that timer may still fire once).
fn polls_with_a_reason(case: &Case) -> u64 {
    let (expected, none_at, _) = case.expected();
    let mut instants: std::collections::BTreeSet<u64> = case.items.iter().map(|i| i.1).collect();
    instants.insert(0);
    instants.insert(none_at);
    instants.extend(expected.iter().map(|(_, at)| *at));
    let mut taken = 0;
    let mut stale_timers = 0;
    for (batch, at) in &expected {
        let first_at = case.items[taken].1;
        taken += batch.len();
        if batch.len() == case.max_items && first_at < *at {
            stale_timers += 1;
        }
    }
    instants.len() as u64 + stale_timers
}

async fn check_polls_have_reasons(case: Case) {
    let (expected, _, _) = case.expected();
    let allowed = polls_with_a_reason(&case);
    let (inner, _, _) = case.inner();
    let what = case.what();
    let (consume, polls) = count_polls(async {
        let mut batches = pin!(Batches::new(inner, case.max_items, ms(case.max_wait)));
        let mut got = Vec::new();
        while let Some(batch) = batches.next().await {
            got.push(batch);
        }
        got
    });
    let got = within(ms(3_600_000), &what, no_spin(&what, consume)).await;
    let want: Vec<Vec<u32>> = expected.into_iter().map(|(batch, _)| batch).collect();
    assert_eq!(got, want, "{what}: the batches");
    assert!(
        polls.get() <= allowed,
        "{what}: the consumer's task was polled {} times for {} items and {} batches; at most \
         {allowed} polls have a reason (the first, one per instant items arrive, per batch \
         deadline, the end). Extra polls mean poll_next wakes itself (`cx.waker().wake_by_ref()`): \
         after every item instead of taking the next one in the same call (loop on `inner` \
         until it answers Pending), or when a batch goes out \"because inner may have more\" \
         (the consumer calls poll_next again when it wants the next batch: no wake-up is \
         needed for that). Let `inner` and the timer wake you.",
        polls.get(),
        case.items.len(),
        want.len()
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_next_half_way_loses_nothing() {
    for_each_seed(16, |mut rng| async move {
        let mut case = Case::seeded(&mut rng, false);
        case.pauses.clear();
        let period = rng.odd_ms(7, 97);
        let what = format!(
            "{}; the consumer races each next() against a {period}ms ticker in select! \
             (biased, ticker first), so next() futures are dropped half-way",
            case.what()
        );
        let (expected, none_at, _) = case.expected();
        let (inner, _, _) = case.inner();
        let start = Instant::now();
        let consume = async {
            let mut batches = pin!(Batches::new(inner, case.max_items, ms(case.max_wait)));
            let mut ticker = tokio::time::interval(ms(period));
            let mut got = Vec::new();
            loop {
                tokio::select! {
                    biased;
                    _ = ticker.tick() => {}
                    next = batches.next() => {
                        let at = (Instant::now() - start).as_millis() as u64;
                        match next {
                            Some(batch) if got.len() < 500 => got.push((batch, at)),
                            _ => return (got, at),
                        }
                    }
                }
            }
        };
        let (got, got_none) = within(ms(600_000), &what, no_spin(&what, consume)).await;
        assert!(
            got == expected && got_none == none_at,
            "{what}: the batches did not go out as they should.\nExpected:\n{}  then None \
             at {none_at}ms\nGot:\n{}  then None at {got_none}ms\n{} Here the consumer's \
             task is also woken by its ticker, so poll_next is called when neither an item \
             nor the timer is due: a poll is not a sign that the timer fired (poll the \
             timer to know), and everything must live in the struct, since each next() \
             future is dropped when the ticker wins.",
            show(&expected),
            show(&got),
            diagnose(&case, &got, &expected)
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_batches_stops_everything() {
    for_each_seed(8, |mut rng| async move {
        // Items trickle in; the consumer gives up while a batch is filling.
        let mut case = Case::seeded(&mut rng, false);
        case.pauses.clear();
        case.max_items = case.items.len() + 1;
        case.max_wait = 60_001;
        let first = case.items[0].1;
        let cancel_at = first + rng.odd_ms(1, 6);
        case.end = case.end.max(cancel_at + 997);
        let what = format!(
            "{}, dropped at {cancel_at}ms with a batch half full",
            case.what()
        );
        let (inner, _, dropped) = case.inner();
        let consume = async {
            let mut batches = pin!(Batches::new(inner, case.max_items, ms(case.max_wait)));
            while batches.next().await.is_some() {}
        };
        let outcome = cancel_after(ms(cancel_at), no_spin(&what, consume)).await;
        assert!(
            outcome.is_none(),
            "{what}: the batches ended before the consumer gave up."
        );
        assert!(
            dropped.is_dropped(),
            "{what}: the inner stream was not dropped with the Batches. Keep `inner` in the \
             struct and poll it from poll_next: a task spawned to drive it keeps it (and \
             itself) alive after the Batches is gone."
        );
        assert_nothing_left_running(&what, ms(120_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn max_items_of_zero_is_refused() {
    let (inner, _, _) = Scripted::new(&[(1, 0)], 10, None);
    let made = catch_panic(|| {
        let _ = Batches::new(inner, 0, ms(317));
    });
    assert!(
        made.is_err(),
        "Batches::new(inner, max_items 0, max_wait 317ms) returned a Batches. A batch that \
         can hold nothing is never full and never anything but empty: `new` must panic (an \
         `assert!` with a message that says max_items must be at least 1)."
    );
    // Just over it is fine: batches of one.
    let (inner, _, _) = Scripted::new(&[(1, 0), (2, 3)], 10, None);
    let got: Vec<Vec<u32>> = within(
        ms(60_000),
        "Batches::new(inner, max_items 1, ..)",
        Batches::new(inner, 1, ms(317)).collect(),
    )
    .await;
    assert_eq!(
        got,
        [vec![1], vec![2]],
        "Batches::new(inner of 1 and 2, max_items 1, max_wait 317ms): batches of one item each."
    );
}
