//! Grading tests for kata 10: fan in over a channel.
//!
//! Every test runs on a paused clock, so a fetch of 317ms takes exactly
//! 317ms of virtual time, and a `gather` that never returns (a channel that
//! never closes) fails after 60s of virtual time, in microseconds. Inputs
//! are generated from fixed seeds: shuffled ids (some repeated), values
//! that do not sort into arrival order, fetch times that are all different
//! and never round, so that "sorted", "in id order" and "one after the
//! other" cannot pass for "in the order they arrived, all at once".
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | keeps its own `Sender` alive, so `recv()` never returns `None` (hang) | every test (hang guard), first `gather_returns_the_values_in_the_order_they_arrived` |
//! | reads `ids.len()` values instead of reading until the channel closes | `ids_that_are_not_found_are_left_out` |
//! | awaits every `JoinHandle` before receiving, with a bounded channel (deadlock) | `a_burst_of_values_at_the_same_instant_all_arrive` |
//! | awaits each task right after spawning it (one after another) | `gather_returns_the_moment_the_last_fetch_is_done` |
//! | sorts the values, or returns them in the order of the ids | `gather_returns_the_values_in_the_order_they_arrived` |
//! | `try_send` in the tasks: values that find the buffer full are lost | `a_burst_of_values_at_the_same_instant_all_arrive` |
//! | stops at the first quiet moment (`timeout` around `recv`) | `gather_returns_the_values_in_the_order_they_arrived`, `gather_returns_the_moment_the_last_fetch_is_done` |
//! | waits on a timer (`timeout` around `recv` in a loop, `try_recv` + `sleep`) | `gather_sleeps_while_the_fetches_are_pending` |
//! | gives up on a slow fetch (`timeout` of minutes around each fetch): its value is lost | `gather_sleeps_while_the_fetches_are_pending` (hours of silence) |
//! | bare `tokio::spawn`: fetches keep running after the caller dropped `gather` | `dropping_gather_cancels_the_fetches_still_running` |
//! | `unwrap()` on a task's result: one panicking fetch takes `gather` down | `a_fetch_that_panics_is_left_out` |
//! | a channel sized `ids.len()`: `mpsc::channel(0)` panics for no ids | `an_empty_list_gathers_nothing_at_once` |
//! | spins on `try_recv()` with `yield_now()` (never waits; on the paused clock, time stands still) | every test (`no_spin`), first `gather_returns_the_values_in_the_order_they_arrived` |
//! | no tasks: the fetches polled from `gather` itself (`FuturesUnordered`, `join_all`) | `each_fetch_runs_in_its_own_task` |
//! | a task left running after `gather` returned | every test ends with `assert_no_leaked_tasks` |

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use kata_10_fan_in::{Fetcher, gather};
use kata_support::{
    DropFlag, Jitter, Rng, Stopwatch, Wakeups, assert_no_leaked_tasks, assert_nothing_left_running,
    cancel_after, fmt_duration, for_each_seed, ms, no_hang, no_spin, panic_message, quiet_panics,
    track_drop,
};
use tokio::sync::oneshot;
use tokio::time::sleep;

/// What one id's fetch does.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Found(u32),
    NotFound,
    Panics,
}

/// A fetch plan: the ids given to `gather` (shuffled, maybe repeated), and
/// for each id how long its fetch takes and what it gives.
#[derive(Debug, Clone)]
struct Plan {
    ids: Vec<u32>,
    answers: HashMap<u32, (u64, Outcome)>,
}

impl Plan {
    /// `distinct` different ids with different odd fetch times in
    /// `11..=2999` ms, each id not found with probability `not_found`
    /// (numerator, denominator); maybe one id given twice.
    fn random(rng: &mut Rng, distinct: usize, not_found: (u64, u64)) -> Plan {
        let mut ids: Vec<u32> = Vec::new();
        while ids.len() < distinct {
            let id = rng.range(1, 999) as u32;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let times = rng.distinct_odd_ms(distinct, 11, 2999);
        let mut answers = HashMap::new();
        for (&id, &takes) in ids.iter().zip(&times) {
            let outcome = if rng.chance(not_found.0, not_found.1) {
                Outcome::NotFound
            } else {
                // Values repeat, and do not follow the ids or the times.
                Outcome::Found(rng.range(0, 99) as u32)
            };
            answers.insert(id, (takes, outcome));
        }
        if rng.chance(1, 3) {
            let again = *rng.pick(&ids);
            ids.push(again);
        }
        rng.shuffle(&mut ids);
        Plan { ids, answers }
    }

    /// A fetcher that follows the plan; `jitter` perturbs when each fetch
    /// is polled, without moving the clock.
    fn fetcher(&self, jitter: Jitter) -> Fetcher {
        let answers = Arc::new(self.answers.clone());
        Arc::new(move |id| {
            let (takes, outcome) = answers[&id];
            let fetch = async move {
                sleep(ms(takes)).await;
                match outcome {
                    Outcome::Found(value) => Some(value),
                    Outcome::NotFound => None,
                    Outcome::Panics => panic!("the fetch of id {id} failed (on purpose)"),
                }
            };
            Box::pin(jitter.wrap(quiet_panics(fetch))) as BoxFuture<'static, Option<u32>>
        })
    }

    /// The values found, in the order they arrive (by fetch time).
    fn arrival_order(&self) -> Vec<u32> {
        let mut by_time: Vec<(u64, Outcome)> = self.ids.iter().map(|id| self.answers[id]).collect();
        by_time.sort_by_key(|&(takes, _)| takes);
        by_time
            .into_iter()
            .filter_map(|(_, outcome)| match outcome {
                Outcome::Found(value) => Some(value),
                _ => None,
            })
            .collect()
    }

    /// The values found, in the order of the ids given.
    fn id_order(&self) -> Vec<u32> {
        self.ids
            .iter()
            .filter_map(|id| match self.answers[id].1 {
                Outcome::Found(value) => Some(value),
                _ => None,
            })
            .collect()
    }

    /// When the last fetch is done (found, not found or panicked).
    fn slowest(&self) -> u64 {
        self.ids
            .iter()
            .map(|id| self.answers[id].0)
            .max()
            .unwrap_or(0)
    }

    /// Every fetch time added up: what one fetch after another costs.
    fn one_after_another(&self) -> u64 {
        self.ids.iter().map(|id| self.answers[id].0).sum()
    }

    /// `gather(ids [412, 9, ...])`, for messages.
    fn call(&self) -> String {
        format!("gather(ids {:?})", self.ids)
    }

    /// One line per id: `id 412: 317ms, found 35`.
    fn describe(&self) -> String {
        self.ids
            .iter()
            .map(|id| {
                let (takes, outcome) = self.answers[id];
                let what = match outcome {
                    Outcome::Found(value) => format!("found {value}"),
                    Outcome::NotFound => "not found".to_string(),
                    Outcome::Panics => "panics".to_string(),
                };
                format!("  id {id}: {takes}ms, {what}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Checks `got` against the plan's arrival order, naming the usual mistake.
#[track_caller]
fn assert_arrival_order(plan: &Plan, got: &[u32]) {
    let expected = plan.arrival_order();
    if got == expected {
        return;
    }
    let mut sorted_got = got.to_vec();
    sorted_got.sort_unstable();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort_unstable();
    let meaning = if sorted_got != sorted_expected {
        "It did not return each value found exactly once: a value was lost (gather stopped \
         before the channel closed, or a task's value never made it into the channel) or \
         one that was not found was made up."
            .to_string()
    } else if got == sorted_expected {
        "These are the right values, sorted: gather must return them in the order they \
         arrived on the channel, not sorted."
            .to_string()
    } else if got == plan.id_order() {
        "These are the right values, in the order of the ids: gather must return them in \
         the order they arrived (the fastest fetch first), which is what a receive loop \
         over the channel gives. Awaiting the tasks one by one gives the order of the ids."
            .to_string()
    } else {
        "These are the right values in the wrong order: push each value as recv() returns \
         it."
        .to_string()
    };
    panic!(
        "{} returned {got:?}, expected {expected:?} (the values found, in the order they \
         arrived).\nThe fetches:\n{}\n{meaning}",
        plan.call(),
        plan.describe()
    );
}

#[tokio::test(start_paused = true)]
async fn gather_returns_the_values_in_the_order_they_arrived() {
    for_each_seed(32, |mut rng| async move {
        let distinct = rng.range(2, 9) as usize;
        let plan = Plan::random(&mut rng, distinct, (1, 5));
        let jitter = Jitter::new(rng.next_u64());
        let values = no_hang(
            &plan.call(),
            no_spin(&plan.call(), gather(plan.ids.clone(), plan.fetcher(jitter))),
        )
        .await;
        assert_arrival_order(&plan, &values);
        assert_no_leaked_tasks(&format!("{} returned", plan.call())).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn gather_returns_the_moment_the_last_fetch_is_done() {
    for_each_seed(32, |mut rng| async move {
        let distinct = rng.range(2, 9) as usize;
        let plan = Plan::random(&mut rng, distinct, (1, 3));
        let jitter = Jitter::new(rng.next_u64());
        let watch = Stopwatch::start();
        let values = no_hang(
            &plan.call(),
            no_spin(&plan.call(), gather(plan.ids.clone(), plan.fetcher(jitter))),
        )
        .await;
        let took = watch.elapsed();
        let slowest = ms(plan.slowest());
        if took != slowest {
            let meaning = if took == ms(plan.one_after_another()) {
                "That is every fetch time added up: the fetches ran one after another. \
                 Spawn every task first, and only then wait for values."
            } else if took < slowest {
                "gather returned before the slowest fetch was done, so it cannot know that \
                 no more values were coming (a fetch that finds nothing still counts). Read \
                 until recv() returns None: that happens when every task has dropped its \
                 Sender."
            } else {
                "gather noticed the end late. recv() returns None at the very moment the \
                 last Sender is dropped: await it rather than checking on a timer."
            };
            panic!(
                "{} took {} of virtual time, expected exactly {} (its slowest fetch; they \
                 all run at the same time).\nThe fetches:\n{}\n{meaning}",
                plan.call(),
                fmt_duration(took),
                fmt_duration(slowest),
                plan.describe()
            );
        }
        assert_arrival_order(&plan, &values);
        assert_no_leaked_tasks(&format!("{} returned", plan.call())).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn each_fetch_runs_in_its_own_task() {
    for_each_seed(16, |mut rng| async move {
        let distinct = rng.range(2, 9) as usize;
        let plan = Plan::random(&mut rng, distinct, (1, 4));
        // Each fetch notes, at every poll, the task it is polled from.
        let inner = plan.fetcher(Jitter::new(rng.next_u64()));
        let seen: Arc<Mutex<Vec<Vec<Option<tokio::task::Id>>>>> = Arc::default();
        let record = seen.clone();
        let fetch: Fetcher = Arc::new(move |id| {
            let mut fut = inner(id);
            let record = record.clone();
            let slot = {
                let mut seen = record.lock().unwrap();
                seen.push(Vec::new());
                seen.len() - 1
            };
            Box::pin(std::future::poll_fn(move |cx| {
                record.lock().unwrap()[slot].push(tokio::task::try_id());
                fut.as_mut().poll(cx)
            })) as BoxFuture<'static, Option<u32>>
        });
        let caller = tokio::task::try_id();
        let values = no_hang(
            &plan.call(),
            no_spin(&plan.call(), gather(plan.ids.clone(), fetch)),
        )
        .await;
        assert_arrival_order(&plan, &values);
        let seen = seen.lock().unwrap().clone();
        let mut owners = Vec::new();
        for (index, polls) in seen.iter().enumerate() {
            let first = polls.first().copied().flatten();
            let Some(task) = first.filter(|_| polls.iter().all(|&p| p == first)) else {
                panic!(
                    "{}: fetch {} was polled from {}, expected from one task of its own. \
                     Every id is fetched in its own task: spawn a task per id (JoinSet::spawn) \
                     and await the fetch inside it. Polling the fetches from gather itself \
                     (join_all, FuturesUnordered) runs them all on one task: one slow or \
                     blocking fetch then holds up all the others, and on a multi-thread \
                     runtime nothing runs in parallel.",
                    plan.call(),
                    index + 1,
                    if polls.iter().all(|&p| p == caller) {
                        "gather's own task (the caller's)".to_string()
                    } else {
                        format!("several places: {polls:?}")
                    }
                );
            };
            assert!(
                Some(task) != caller,
                "{}: fetch {} ran in the caller's task, expected a task of its own.",
                plan.call(),
                index + 1
            );
            owners.push(task);
        }
        let mut distinct_owners = owners.clone();
        distinct_owners.sort_unstable_by_key(|id| format!("{id}"));
        distinct_owners.dedup();
        assert_eq!(
            distinct_owners.len(),
            owners.len(),
            "{}: {} fetches ran in only {} tasks, expected one task per fetch (an id given \
             twice is fetched twice, in two tasks).",
            plan.call(),
            owners.len(),
            distinct_owners.len()
        );
        assert_no_leaked_tasks(&format!("{} returned", plan.call())).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn ids_that_are_not_found_are_left_out() {
    for_each_seed(16, |mut rng| async move {
        let distinct = rng.range(2, 8) as usize;
        let mut plan = Plan::random(&mut rng, distinct, (1, 2));
        // The slowest fetch finds nothing, and sometimes none finds anything.
        let none_found = rng.chance(1, 4);
        let slowest = plan.slowest();
        for (takes, outcome) in plan.answers.values_mut() {
            if *takes == slowest || none_found {
                *outcome = Outcome::NotFound;
            }
        }
        let watch = Stopwatch::start();
        let values = no_hang(
            &format!(
                "{} (some ids are not found and send nothing; a gather that waits for one \
                 value per id waits forever)",
                plan.call()
            ),
            no_spin(
                &plan.call(),
                gather(plan.ids.clone(), plan.fetcher(Jitter::none())),
            ),
        )
        .await;
        assert_arrival_order(&plan, &values);
        watch.assert_elapsed(
            ms(slowest),
            &plan.call(),
            "The last fetch finds nothing, and gather must still return the moment it is \
             done: its task ends, its Sender is dropped, the channel closes.",
        );
        assert_no_leaked_tasks(&format!("{} returned", plan.call())).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_empty_list_gathers_nothing_at_once() {
    let fetch: Fetcher =
        Arc::new(|id| panic!("the test asked for no ids, but id {id} was fetched"));

    let watch = Stopwatch::start();
    let values = no_hang(
        "gather(no ids)",
        no_spin("gather(no ids)", gather(Vec::new(), fetch)),
    )
    .await;

    assert!(
        values.is_empty(),
        "gather(no ids) returned {values:?}, expected nothing."
    );
    watch.assert_elapsed(
        ms(0),
        "gather(no ids)",
        "With nothing to fetch there are no tasks, so once gather's own Sender is \
         dropped the channel is closed at once.",
    );
    assert_no_leaked_tasks("gather(no ids) returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_values_at_the_same_instant_all_arrive() {
    for_each_seed(6, |mut rng| async move {
        // Hundreds of fetches that all answer at the same instant: far more
        // values than a channel's buffer holds, and more than tokio lets a
        // task handle in one go (its cooperative budget is 128).
        let count = rng.range(150, 400) as u32;
        let takes = rng.odd_ms(11, 2999);
        let first = rng.range(1, 10_000) as u32;
        let ids: Vec<u32> = (first..first + count).collect();
        let fetch: Fetcher = Arc::new(move |id| {
            Box::pin(async move {
                sleep(ms(takes)).await;
                Some(id * 3 + 1)
            })
        });
        let call = format!("gather({count} ids whose fetches all answer at {takes}ms)");
        let watch = Stopwatch::start();
        let mut values = no_hang(
            &format!(
                "{call} (with more values than the channel holds, a gather that waits for \
                 its tasks before receiving waits forever, as the tasks wait for room; one \
                 that fetches one id after another takes {count} × {takes}ms)"
            ),
            no_spin(&call, gather(ids.clone(), fetch)),
        )
        .await;
        let took = watch.elapsed();
        values.sort_unstable();
        let expected: Vec<u32> = ids.iter().map(|id| id * 3 + 1).collect();
        if values != expected {
            let missing = expected.iter().filter(|v| !values.contains(v)).count();
            panic!(
                "{call} returned {} values, expected {count}: {missing} are missing. A \
                 value that finds the channel's buffer full must wait for room \
                 (`send(..).await`), not be dropped (`try_send`), and gather must read \
                 until the channel closes.",
                values.len()
            );
        }
        assert_eq!(
            took,
            ms(takes),
            "{call} took {} of virtual time, expected exactly {}.",
            fmt_duration(took),
            fmt_duration(ms(takes))
        );
        assert_no_leaked_tasks(&format!("{call} returned")).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_fetch_that_panics_is_left_out() {
    for_each_seed(16, |mut rng| async move {
        let distinct = rng.range(3, 9) as usize;
        let mut plan = Plan::random(&mut rng, distinct, (1, 5));
        let mut distinct_ids = plan.ids.clone();
        distinct_ids.sort_unstable();
        distinct_ids.dedup();
        rng.shuffle(&mut distinct_ids);
        let victims: Vec<u32> = distinct_ids[..rng.range(1, 2) as usize].to_vec();
        for id in &victims {
            plan.answers.get_mut(id).unwrap().1 = Outcome::Panics;
        }
        let call = plan.call();
        // gather runs in a task of its own, so that a panic it lets through
        // is reported here, with what it means.
        let task = tokio::spawn(quiet_panics(no_spin(
            &call,
            gather(plan.ids.clone(), plan.fetcher(Jitter::none())),
        )));
        let watch = Stopwatch::start();
        let values = match no_hang(&call, task).await {
            Ok(values) => values,
            Err(error) => panic!(
                "{call} panicked: {:?}\nThe fetches:\n{}\nThe fetch of id(s) {victims:?} \
                 panics, which ends its own task, and only that task: gather must carry on \
                 with the others and leave the failed ones out, like ids that are not found. \
                 Do not unwrap() a task's result (a JoinError) or expect one value per id.",
                error
                    .try_into_panic()
                    .map(|payload| panic_message(&*payload))
                    .unwrap_or_else(|error| error.to_string()),
                plan.describe()
            ),
        };
        assert_arrival_order(&plan, &values);
        watch.assert_elapsed(
            ms(plan.slowest()),
            &call,
            "gather returns once every fetch is done, the failed ones included.",
        );
        assert_no_leaked_tasks(&format!("{call} returned")).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn gather_sleeps_while_the_fetches_are_pending() {
    for_each_seed(8, |mut rng| async move {
        // Fetches that answer only when the test says so.
        let count = rng.range(2, 6) as usize;
        let ids: Vec<u32> = (0..count).map(|_| rng.range(1, 999) as u32).collect();
        let mut releases = Vec::new();
        let mut gates = Vec::new();
        for _ in 0..count {
            let (release, gate) = oneshot::channel::<Option<u32>>();
            releases.push(Some(release));
            gates.push(Some(gate));
        }
        // Ids may repeat, so the fetcher hands out the gates in call order.
        let gates = Arc::new(Mutex::new(gates));
        let next = Arc::new(AtomicUsize::new(0));
        let fetch: Fetcher = Arc::new(move |_id| {
            let gate = gates.lock().unwrap()[next.fetch_add(1, Ordering::SeqCst)].take();
            Box::pin(async move {
                match gate {
                    Some(gate) => gate.await.unwrap_or(None),
                    None => None,
                }
            })
        });
        let call = format!("gather(ids {ids:?})");
        let gathering = tokio::spawn(no_spin(&call, gather(ids.clone(), fetch)));

        // Hours of silence (never a round number): a timer of minutes, a
        // timeout around a fetch or around recv(), fires in that time.
        let silence = ms(rng.odd_ms(3_700_000, 20_000_000));
        Wakeups::assert_quiet_for(
            silence,
            0,
            &format!("{call} waited for fetches that had not answered yet"),
        )
        .await;

        // Now the fetches answer, one by one, in a shuffled order.
        let mut expected = Vec::new();
        for index in rng.permutation(count) {
            let answer = (!rng.chance(1, 4)).then(|| rng.range(0, 99) as u32);
            expected.extend(answer);
            if let Some(release) = releases[index].take() {
                let _ = release.send(answer);
            }
            sleep(ms(rng.odd_ms(1, 400))).await;
        }
        let values = no_hang(&call, gathering)
            .await
            .expect("gather panicked (see above)");
        assert_eq!(
            values,
            expected,
            "{call}: the fetches answered {expected:?} in that order, after {} of silence, \
             but gather returned {values:?}. A fetch takes as long as it takes: if values are \
             missing, does gather (or a task of its) give up on a slow fetch with a timeout?",
            fmt_duration(silence)
        );
        assert_no_leaked_tasks(&format!("{call} returned")).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_gather_cancels_the_fetches_still_running() {
    for_each_seed(16, |mut rng| async move {
        // Cut somewhere between two fetch times: some are done, some not.
        let (plan, times, gaps) = loop {
            let distinct = rng.range(3, 9) as usize;
            let plan = Plan::random(&mut rng, distinct, (1, 5));
            let mut times: Vec<u64> = plan.answers.values().map(|&(takes, _)| takes).collect();
            times.sort_unstable();
            let gaps: Vec<usize> = (1..times.len())
                .filter(|&k| times[k] - times[k - 1] >= 2)
                .collect();
            if !gaps.is_empty() {
                break (plan, times, gaps);
            }
        };
        let k = *rng.pick(&gaps);
        let cut = rng.range(times[k - 1] + 1, times[k] - 1);

        // Every fetch carries a drop flag, to see which ones were stopped.
        let flags: Arc<Mutex<Vec<(u32, u64, DropFlag)>>> = Arc::default();
        let fetch: Fetcher = {
            let inner = plan.fetcher(Jitter::none());
            let flags = flags.clone();
            let answers = plan.answers.clone();
            Arc::new(move |id| {
                let (flag, tracked) = track_drop(inner(id));
                flags.lock().unwrap().push((id, answers[&id].0, flag));
                Box::pin(tracked)
            })
        };
        let call = plan.call();
        let finished = cancel_after(ms(cut), no_spin(&call, gather(plan.ids.clone(), fetch))).await;
        assert!(
            finished.is_none(),
            "{call} returned after {cut}ms, before its slowest fetch ({}ms) was done.",
            plan.slowest()
        );
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        let still_running: Vec<String> = flags
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, _, flag)| !flag.is_dropped())
            .map(|(id, takes, _)| format!("id {id} ({takes}ms)"))
            .collect();
        assert!(
            still_running.is_empty(),
            "{call} was dropped after {cut}ms (its caller gave up, as a timeout would), but \
             the fetches of {} kept running: nobody will ever read what they send. A task \
             started with tokio::spawn runs on, detached, when its JoinHandle is dropped. \
             Keep the tasks in a tokio::task::JoinSet owned by gather (dropping the set \
             aborts them), or abort them when gather's future is dropped.\nThe fetches:\n{}",
            still_running.join(", "),
            plan.describe()
        );
        assert_nothing_left_running(&format!("dropping {call} after {cut}ms"), ms(60_000)).await;
    })
    .await;
}
