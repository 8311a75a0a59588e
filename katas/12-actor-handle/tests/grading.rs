//! Grading tests for kata 12: an actor and its handle.
//!
//! Every test but one runs on tokio's current-thread runtime with a paused
//! clock: an actor that never answers, or never stops, leaves the runtime
//! idle, and the hang guard turns that into a failure after 60s of virtual
//! time, in microseconds. The runtime counts live tasks, which is how these
//! tests see the actor task itself, and its wake-ups, which is how they see
//! an actor that polls. One test runs on a multi-thread runtime, where
//! callers really run at the same time. Increments and the number of
//! callers are generated from fixed seeds (a failure prints the seed and a
//! command that replays it).
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | replies before applying the message (the old count) | `incr_returns_the_new_count_and_get_reads_it` |
//! | the state shared behind an `Arc<Mutex<..>>`, no actor task at all | `the_count_lives_in_one_actor_task` |
//! | `get()` answered from a copy kept in the handle, not by the actor | `clones_share_one_counter` |
//! | the count in a global (`static`) instead of in the actor | `two_counters_are_independent` |
//! | `try_send` into the mailbox: a request that finds it full is lost | `concurrent_increments_sum_exactly`, `thousands_of_callers_at_one_instant_all_land` |
//! | `try_send` that panics (or errors) when the mailbox is full, however big the mailbox | `thousands_of_callers_at_one_instant_all_land` |
//! | a task per message doing read-then-write on shared state (lost updates when two run in parallel) | `concurrent_increments_sum_exactly_on_a_multi_thread_runtime`, when the race happens: not reliably on a busy 2-core machine, so no known-wrong solution names it |
//! | a handle that only works on one thread (global state, a clone's `Drop` stopping the actor) | `concurrent_increments_sum_exactly_on_a_multi_thread_runtime` |
//! | the actor keeps a `Sender` to its own mailbox, so it never stops | `the_actor_stops_when_every_handle_is_dropped` |
//! | the handle aborts the actor in its `Drop`, so dropping one clone kills it for all | `the_actor_stops_when_every_handle_is_dropped` |
//! | the actor polls its mailbox on a timer (`try_recv` + `sleep`, a housekeeping tick, even one every few minutes) | `an_idle_actor_never_wakes_up` (hours of silence) |
//! | the actor stops after a quiet spell (`timeout` around `recv`), even one of several minutes | `an_idle_actor_never_wakes_up` (hours of silence) |
//! | `reply.send(..).unwrap()` in the actor: a caller that gave up kills it | `a_caller_that_gives_up_does_not_break_the_actor` |
//! | an `Incr` skipped when its caller gave up after sending it (`reply.is_closed()`) | `a_caller_that_gives_up_does_not_break_the_actor` |
//! | messages taken in batches and reordered (every `Incr` before the `Get`s) | `requests_are_answered_in_the_order_they_arrive` |
//! | `get()` reads a count shared with the actor (an atomic) instead of asking it | `requests_are_answered_in_the_order_they_arrive` |
//! | a task per message, even with an atomic or a lock that loses no update: the tasks do not run in the order they were spawned | `requests_are_answered_in_the_order_they_arrive_on_a_multi_thread_runtime` (one worker: its LIFO slot runs the last task spawned first, every run) |
//! | `try_send` retried around `yield_now()` while the mailbox is full (callers spin) | `a_caller_waiting_for_room_in_the_mailbox_sleeps` |
//! | `Rc`/`RefCell` in the handle (not `Send`/`Sync`) | `counter_handle_is_clone_send_and_sync` (tests/shareable.rs, at run time) |
//! | a `std::sync::MutexGuard` held across `.await` in `incr`/`get` (a non-`Send` future) | `incr_and_get_can_be_awaited_in_a_spawned_task` (tests/shareable.rs, at run time) |

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use kata_12_actor_handle::CounterHandle;
use kata_support::{
    Jitter, Rng, Wakeups, assert_no_leaked_tasks, count_polls, fmt_duration, for_each_seed,
    for_each_seed_sync, ms, no_hang, on_multi_thread, panic_message, quiet_panics,
};
use tokio::runtime::Handle;
use tokio::time::sleep;

/// Tasks alive on this runtime, after letting every ready task run.
async fn alive_tasks() -> usize {
    settle().await;
    Handle::current().metrics().num_alive_tasks()
}

/// Lets every ready task run, without moving the clock.
async fn settle() {
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
}

/// Waits (in virtual time, under the hang guard) until no task is alive.
async fn wait_for_the_actor_to_stop(after: &str) {
    no_hang(&format!("the actor task stopping after {after}"), async {
        while Handle::current().metrics().num_alive_tasks() > 0 {
            sleep(ms(10)).await;
        }
    })
    .await;
}

/// Runs `call` in a task of its own, so that a panic in the handle (an
/// `expect` on a reply that never came) is reported with what it means.
async fn ask<T: Send + 'static>(
    what: &str,
    meaning: &str,
    call: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    match no_hang(what, tokio::spawn(quiet_panics(call))).await {
        Ok(value) => value,
        Err(error) => panic!(
            "{what} panicked: {:?}\n{meaning}",
            error
                .try_into_panic()
                .map(|payload| panic_message(&*payload))
                .unwrap_or_else(|error| error.to_string())
        ),
    }
}

#[tokio::test(start_paused = true)]
async fn incr_returns_the_new_count_and_get_reads_it() {
    for_each_seed(16, |mut rng| async move {
        let counter = CounterHandle::new();
        let mut expected = 0u64;
        let mut calls = Vec::new();
        for _ in 0..rng.range(3, 12) {
            if rng.chance(1, 3) {
                let got = no_hang("counter.get()", counter.get()).await;
                calls.push(format!("get() -> {got}"));
                assert_eq!(
                    got,
                    expected,
                    "on a new counter, {} returned {got}; expected {expected}: get returns \
                     the count, which starts at 0 and is the sum of every increment so far.",
                    calls.join(", ")
                );
            } else {
                // Increments of 0 and big ones too.
                let any = rng.range(1, 500);
                let by = *rng.pick(&[0, 1, 2, 7, 38, 1_000_003, any]);
                let got = no_hang(&format!("counter.incr({by})"), counter.incr(by)).await;
                expected += by;
                calls.push(format!("incr({by}) -> {got}"));
                assert_eq!(
                    got,
                    expected,
                    "on a new counter, {} returned {got}; expected {expected}: incr replies \
                     with the count after the addition (reply after updating the count, not \
                     before).",
                    calls.join(", ")
                );
            }
        }
        drop(counter);
        wait_for_the_actor_to_stop("its only handle was dropped").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_counter() {
    for_each_seed(16, |mut rng| async move {
        let original = CounterHandle::new();
        let handles: Vec<CounterHandle> = (0..rng.range(2, 5)).map(|_| original.clone()).collect();
        let mut expected = 0;
        let mut calls = Vec::new();
        for _ in 0..rng.range(4, 12) {
            let which = rng.below(handles.len() as u64) as usize;
            let handle = &handles[which];
            if rng.chance(1, 2) {
                let by = rng.range(1, 99);
                let got = no_hang("incr on a clone", handle.incr(by)).await;
                expected += by;
                calls.push(format!("clone {which}: incr({by}) -> {got}"));
                assert_eq!(got, expected, "{}", shared_message(&calls, got, expected));
            } else {
                let got = no_hang("get on a clone", handle.get()).await;
                calls.push(format!("clone {which}: get() -> {got}"));
                assert_eq!(got, expected, "{}", shared_message(&calls, got, expected));
            }
        }
        drop((original, handles));
        wait_for_the_actor_to_stop("every handle was dropped").await;
    })
    .await;
}

fn shared_message(calls: &[String], got: u64, expected: u64) -> String {
    format!(
        "calls on clones of one CounterHandle:\n  {}\nThe last one returned {got}, expected \
         {expected}: every clone talks to the same actor (cloning the handle clones the \
         Sender, not the counter), and the actor answers every question itself, with the \
         one count it owns.",
        calls.join("\n  ")
    )
}

#[tokio::test(start_paused = true)]
async fn two_counters_are_independent() {
    for_each_seed(4, |mut rng| async move {
        let first = CounterHandle::new();
        let by = rng.range(1, 999);
        no_hang("first.incr", first.incr(by)).await;
        let second = CounterHandle::new();
        let fresh = no_hang("second.get()", second.get()).await;
        assert_eq!(
            fresh, 0,
            "after first.incr({by}), a second CounterHandle::new() started at {fresh}, \
             expected 0: each new() is a new actor with its own count. Is the count kept in \
             a global (a static) instead of in the actor?"
        );
        let other = no_hang("second.incr(1)", second.incr(1)).await;
        let mine = no_hang("first.get()", first.get()).await;
        assert_eq!(
            (other, mine),
            (1, by),
            "two counters, first.incr({by}) then second.incr(1): second replied {other} and \
             first.get() returned {mine}, expected 1 and {by}."
        );
        drop((first, second));
        wait_for_the_actor_to_stop("every handle was dropped").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn concurrent_increments_sum_exactly() {
    for_each_seed(4, |mut rng| async move {
        let counter = CounterHandle::new();
        // Many callers at once, more than a small mailbox holds, each with
        // its own clone of the handle and its own increments.
        let callers = rng.range(150, 300) as usize;
        let jitter = Jitter::new(rng.next_u64());
        let mut total = 0;
        let mut tasks = Vec::new();
        for _ in 0..callers {
            let incs: Vec<u64> = (0..rng.range(1, 6)).map(|_| rng.range(1, 9)).collect();
            total += incs.iter().sum::<u64>();
            let counter = counter.clone();
            // The jitter changes who gets in between whom, from seed to seed.
            let jitter = jitter.clone();
            tasks.push(tokio::spawn(quiet_panics(async move {
                let mut seen = Vec::new();
                for by in incs {
                    jitter.pause().await;
                    seen.push(jitter.wrap(counter.incr(by)).await);
                }
                seen
            })));
        }
        let meaning = "Every request must reach the actor: send(..).await waits for room in \
                       the mailbox. A try_send into a full mailbox loses the request, and its \
                       caller waits for a reply that never comes.";
        let mut replies = Vec::new();
        for task in tasks {
            let seen = match no_hang(&format!("{callers} callers of incr at once"), task).await {
                Ok(seen) => seen,
                Err(error) => panic!(
                    "with {callers} tasks calling incr at the same time, one of them \
                     panicked: {:?}\n{meaning}",
                    error
                        .try_into_panic()
                        .map(|payload| panic_message(&*payload))
                        .unwrap_or_else(|error| error.to_string())
                ),
            };
            assert!(
                seen.windows(2).all(|pair| pair[0] < pair[1]),
                "one caller's increments were answered {seen:?}: each reply is the count \
                 after that caller's increment, so they can only grow."
            );
            replies.extend(seen);
        }
        let count = no_hang("counter.get()", counter.get()).await;
        assert_eq!(
            count, total,
            "{callers} tasks incremented one counter at the same time by {total} in all, \
             but get() returned {count}. {meaning}"
        );
        replies.sort_unstable();
        let distinct = {
            let mut d = replies.clone();
            d.dedup();
            d.len()
        };
        assert!(
            distinct == replies.len() && replies.last() == Some(&total),
            "the replies to concurrent increments should all be different (the actor \
             applies one message at a time, so no two increments see the same count) and \
             the largest should be the total, {total}."
        );
        drop(counter);
        wait_for_the_actor_to_stop("every handle was dropped").await;
        assert_no_leaked_tasks("every handle was dropped").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn thousands_of_callers_at_one_instant_all_land() {
    for_each_seed(2, |mut rng| async move {
        let counter = CounterHandle::new();
        // Every caller is spawned before the actor gets to run again, and
        // each sends its request the first time it is polled: thousands of
        // requests arrive at the same instant, more than any mailbox a
        // try_send could count on. No jitter: this is the worst moment.
        let callers = rng.range(5000, 7000) as usize;
        let mut total = 0;
        let mut tasks = Vec::with_capacity(callers);
        for _ in 0..callers {
            let by = rng.range(1, 9);
            total += by;
            let counter = counter.clone();
            tasks.push(tokio::spawn(quiet_panics(
                async move { counter.incr(by).await },
            )));
        }
        let what = format!("{callers} tasks calling incr at the same instant");
        let meaning = "A bounded mailbox fills up when callers send faster than the actor \
                       answers, however big it is: then `send(..).await` waits for room, which \
                       is what a bounded channel is for. `try_send` gives up instead (an \
                       error, a panic, or a request lost whose caller never gets a reply). \
                       Every request must reach the actor.";
        let mut replies = Vec::with_capacity(callers);
        for task in tasks {
            match no_hang(&what, task).await {
                Ok(reply) => replies.push(reply),
                Err(error) => panic!(
                    "with {what}, one of them panicked: {:?}\n{meaning}",
                    error
                        .try_into_panic()
                        .map(|payload| panic_message(&*payload))
                        .unwrap_or_else(|error| error.to_string())
                ),
            }
        }
        let count = no_hang("counter.get()", counter.get()).await;
        replies.sort_unstable();
        let before = replies.len();
        replies.dedup();
        assert!(
            count == total && replies.len() == before && replies.last() == Some(&total),
            "{what} added {total} in all, but get() returned {count}, and {} of the {before} \
             replies were duplicates (the largest: {:?}, expected {total}). {meaning}",
            before - replies.len(),
            replies.last()
        );
        drop(counter);
        wait_for_the_actor_to_stop("every handle was dropped").await;
        assert_no_leaked_tasks("every handle was dropped").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_caller_waiting_for_room_in_the_mailbox_sleeps() {
    for_each_seed(2, |mut rng| async move {
        let counter = CounterHandle::new();
        // Far more callers at one instant than a mailbox holds: most of them
        // must wait for room, and a waiting caller is polled again only when
        // room is made for it.
        let callers = rng.range(1500, 2500) as usize;
        let mut total = 0;
        let mut tasks = Vec::with_capacity(callers);
        for _ in 0..callers {
            let by = rng.range(1, 9);
            total += by;
            let counter = counter.clone();
            let (call, polls) = count_polls(async move { counter.incr(by).await });
            tasks.push((tokio::spawn(quiet_panics(call)), polls));
        }
        let what = format!("{callers} tasks calling incr at the same instant");
        let mut most = 0;
        for (task, polls) in tasks {
            let _ = no_hang(&what, task).await;
            most = most.max(polls.get());
        }
        assert!(
            most <= 8,
            "with {what}, one incr was polled {most} times before it returned, expected a \
             handful (at most 8): one poll to send (or to find the mailbox full), one when \
             room is made for it, one when the reply comes. A caller that retries \
             `try_send` around `yield_now()` until the mailbox has room never sleeps: \
             thousands of callers spin through the scheduler while the actor works. \
             `send(..).await` waits for room without being polled."
        );
        let count = no_hang("counter.get()", counter.get()).await;
        assert_eq!(
            count, total,
            "after {what}, get() returned {count}, expected {total}."
        );
        drop(counter);
        wait_for_the_actor_to_stop("every handle was dropped").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn requests_are_answered_in_the_order_they_arrive() {
    for_each_seed(16, |rng| async move {
        let counter = pipelined_requests_are_answered_in_order(rng, true).await;
        drop(counter);
        wait_for_the_actor_to_stop("every handle was dropped").await;
    })
    .await;
}

/// The same pipelined requests on a multi-thread runtime with one worker.
///
/// There, a task spawned from a worker goes to the front of its queue (the
/// "LIFO slot") and runs before the tasks spawned just before it. An actor
/// that hands each message to a task of its own ("so a slow request never
/// holds up the mailbox") answers in the order they arrive on the
/// current-thread runtime, whose queue is strictly first in first out, and
/// out of order here. One worker makes that schedule the same on every run;
/// no timer is involved, so the real clock is fine.
#[test]
fn requests_are_answered_in_the_order_they_arrive_on_a_multi_thread_runtime() {
    for_each_seed_sync(8, |rng| {
        on_multi_thread(1, 1, "requests sent one after the other", move |_| {
            let rng = rng.clone();
            // Quiet on the worker: the test's thread reports the failure,
            // with the seed that replays it.
            quiet_panics(async move {
                drop(pipelined_requests_are_answered_in_order(rng, false).await);
            })
        });
    });
}

/// Sends a seeded sequence of `incr`s and `get`s, each one before the actor
/// gets to run again, and checks every reply. `paused`: on the paused clock,
/// under the hang guard (elsewhere the caller's real-time limit guards).
/// Returns the handle, for the caller to drop.
async fn pipelined_requests_are_answered_in_order(mut rng: Rng, paused: bool) -> CounterHandle {
    let counter = CounterHandle::new();
    settle().await;
    // A sequence of requests, each sent (its future polled once) before
    // the actor gets to run again: they wait in the mailbox together, in
    // this order. At least one get() comes before an incr().
    let n = rng.range(4, 40) as usize;
    let mut plan: Vec<Option<u64>> = (0..n)
        .map(|_| {
            if rng.chance(1, 3) {
                None
            } else {
                Some(rng.range(1, 1000))
            }
        })
        .collect();
    let at = rng.range(0, n as u64 - 2) as usize;
    plan[at] = None;
    plan[at + 1] = Some(rng.range(1, 1000));
    let calls: Vec<String> = plan
        .iter()
        .map(|step| match step {
            Some(by) => format!("incr({by})"),
            None => "get()".to_string(),
        })
        .collect();
    let mut count = 0;
    let expected: Vec<u64> = plan
        .iter()
        .map(|step| {
            count += step.unwrap_or(0);
            count
        })
        .collect();
    let mut futures: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = u64> + Send>>> = plan
        .iter()
        .map(|step| {
            let counter = counter.clone();
            match *step {
                Some(by) => Box::pin(async move { counter.incr(by).await }) as _,
                None => Box::pin(async move { counter.get().await }) as _,
            }
        })
        .collect();
    let mut replies: Vec<Option<u64>> = Vec::with_capacity(n);
    for future in futures.iter_mut() {
        let first = std::future::poll_fn(|cx| std::task::Poll::Ready(future.as_mut().poll(cx)));
        replies.push(match first.await {
            std::task::Poll::Ready(value) => Some(value),
            std::task::Poll::Pending => None,
        });
    }
    let what = format!("the requests {calls:?}, sent one after the other");
    for (reply, future) in replies.iter_mut().zip(futures) {
        if reply.is_none() {
            *reply = Some(if paused {
                no_hang(&what, future).await
            } else {
                future.await
            });
        }
    }
    let replies: Vec<u64> = replies.into_iter().map(Option::unwrap).collect();
    if let Some(i) = (0..n).find(|&i| replies[i] != expected[i]) {
        panic!(
            "{what} were answered {replies:?}, expected {expected:?}: request {} ({}) got {}, \
             expected {}. The actor answers its messages one at a time, in the order they \
             arrive, each seeing the count left by the ones before it. get() is answered by \
             the actor, not read from a copy or a shared variable (which sees a count the actor \
             has not reached yet, or one it is already past), and the actor handles each \
             message itself instead of handing it to a task of its own: spawned tasks may run \
             in any order (on a multi-thread runtime the last one spawned often runs first). \
             Taking several messages at once (recv_many) is fine, as long as they are still \
             handled in order.",
            i + 1,
            calls[i],
            replies[i],
            expected[i]
        );
    }
    counter
}

const RUNS: u32 = 8;
const CALLERS: u64 = 8;
const CALLS: u64 = 50;

#[test]
fn concurrent_increments_sum_exactly_on_a_multi_thread_runtime() {
    on_multi_thread(
        RUNS,
        2,
        "many tasks calling incr at once",
        |run| async move {
            let counter = CounterHandle::new();
            let total = Arc::new(AtomicU64::new(0));
            let tasks: Vec<_> = (0..CALLERS)
                .map(|t| {
                    let (counter, total) = (counter.clone(), total.clone());
                    tokio::spawn(async move {
                        let mut seen = Vec::new();
                        for k in 0..CALLS {
                            let by = 1 + (t * 7 + k + u64::from(run)) % 5;
                            total.fetch_add(by, Ordering::Relaxed);
                            seen.push(counter.incr(by).await);
                        }
                        seen
                    })
                })
                .collect();
            let mut replies = Vec::new();
            for task in tasks {
                replies.extend(task.await.expect("a caller panicked"));
            }
            let total = total.load(Ordering::Relaxed);
            let count = counter.get().await;
            replies.sort_unstable();
            let before = replies.len();
            replies.dedup();
            assert!(
                count == total && replies.len() == before,
                "{CALLERS} tasks on a multi-thread runtime incremented one counter by {total} in \
                 all; get() returned {count}, and {} of the {before} replies were \
                 duplicates. Increments got lost or interleaved: the count must be owned by \
                 one task, the actor, which applies one message after the other. A task per \
                 message reading and writing a shared value lets two of them run at once.",
                before - replies.len()
            );
        },
    );
}

#[tokio::test(start_paused = true)]
async fn the_count_lives_in_one_actor_task() {
    assert_eq!(
        alive_tasks().await,
        0,
        "the test runtime starts with no task"
    );
    let counter = CounterHandle::new();
    let clones = [counter.clone(), counter.clone(), counter.clone()];
    no_hang("counter.incr(1)", counter.incr(1)).await;
    let alive = alive_tasks().await;
    assert_eq!(
        alive, 1,
        "after CounterHandle::new(), three clones and an incr, {alive} task(s) are \
         running, expected exactly 1: the actor. In the actor pattern the state is \
         owned by one task and the handles only send it messages. 0 means there is no \
         actor (is the count shared with an Arc<Mutex<..>> instead?); more than 1 means \
         a task was spawned per clone or per call."
    );
    drop((counter, clones));
    wait_for_the_actor_to_stop("every handle was dropped").await;
}

#[tokio::test(start_paused = true)]
async fn the_actor_stops_when_every_handle_is_dropped() {
    let counter = CounterHandle::new();
    let clone = counter.clone();
    no_hang("counter.incr(3)", counter.incr(3)).await;

    // One handle left: the actor must still be there, and still answer.
    drop(counter);
    let count = ask(
        "clone.get() after the other handle was dropped",
        "Dropping one handle must not stop the actor while another handle exists: is the \
         actor aborted in the handle's Drop? It stops by itself when its mailbox closes, \
         which happens when the last Sender, the last handle, is gone.",
        async move {
            let count = clone.get().await;
            (clone, count)
        },
    )
    .await;
    let (clone, count) = count;
    assert_eq!(
        count, 3,
        "after dropping one of two handles, get() on the other returned {count}, \
         expected 3: the actor lives as long as any handle does."
    );
    let alive = alive_tasks().await;
    assert_eq!(
        alive, 1,
        "with one handle still alive, {alive} task(s) are running, expected 1: the actor."
    );

    // No handle left: the actor's recv() returns None, and it must end.
    drop(clone);
    wait_for_the_actor_to_stop(
        "every CounterHandle was dropped (does the actor, or anything else, still hold a \
         Sender to its mailbox?)",
    )
    .await;
    assert_no_leaked_tasks("every CounterHandle was dropped").await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_actor_never_wakes_up() {
    for_each_seed(4, |mut rng| async move {
        let counter = CounterHandle::new();
        let by = rng.range(1, 999);
        no_hang("counter.incr", counter.incr(by)).await;

        // A long silence (hours, never a round number), with a handle alive:
        // nothing to do, so nothing may run. A timer of minutes (a
        // housekeeping tick, a timeout around recv()) fires in that time.
        let silence = ms(rng.odd_ms(3_700_000, 20_000_000));
        Wakeups::assert_quiet_for(
            silence,
            0,
            "the actor waited for its next message (a handle alive, nothing sent)",
        )
        .await;

        let more = rng.range(1, 99);
        let later = counter.clone();
        let quiet = fmt_duration(silence);
        let got = ask(
            &format!("counter.incr({more}) after {quiet} of silence"),
            "The actor must wait for messages for as long as a handle exists, however long \
             nothing comes: does it stop after a while without messages (a timeout around \
             recv())?",
            async move { later.incr(more).await },
        )
        .await;
        assert_eq!(
            got,
            by + more,
            "after incr({by}), {quiet} of silence, then incr({more}): it returned {got}, \
             expected {}.",
            by + more
        );
        drop(counter);
        wait_for_the_actor_to_stop("its handle was dropped").await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_gives_up_does_not_break_the_actor() {
    for_each_seed(4, |mut rng| async move {
        let counter = CounterHandle::new();
        let start = rng.range(1, 500);
        no_hang("counter.incr", counter.incr(start)).await;

        // Two callers give up after their request went out, before the reply
        // came back (their future is dropped, as a timeout would).
        let by = rng.range(1, 500);
        {
            let mut gave_up = tokio_test::task::spawn(counter.incr(by));
            let _ = gave_up.poll();
        }
        settle().await;
        {
            let mut gave_up = tokio_test::task::spawn(counter.get());
            let _ = gave_up.poll();
        }
        settle().await;

        let more = rng.range(1, 500);
        let still = counter.clone();
        let got = ask(
            &format!("counter.incr({more}) after two callers gave up waiting for a reply"),
            "A caller may stop waiting for its reply (a timeout drops its future): then the \
             reply's Receiver is gone and `reply.send(..)` returns Err. That is not an error \
             for the actor, whose job goes on: ignore it (`let _ = reply.send(..)`) instead \
             of unwrap()ing it, which panics and kills the actor for every other caller.",
            async move { still.incr(more).await },
        )
        .await;
        // The abandoned increment was sent (its first poll found the
        // mailbox empty): giving up on the reply does not take it back.
        assert!(
            got == start + by + more,
            "incr({start}), then incr({by}) and get() whose callers gave up, then \
             incr({more}) returned {got}: expected {}. The incr({by}) was sent before its \
             caller gave up, so it counts: a caller that stops waiting gives up on the reply, \
             not on the request. An actor that skips a message whose reply nobody waits for \
             (reply.is_closed()) loses increments that were made.",
            start + by + more,
        );
        drop(counter);
        wait_for_the_actor_to_stop("its handle was dropped").await;
    })
    .await;
}
