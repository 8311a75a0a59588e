//! Grading tests for kata 38: find the task that blocks the runtime.
//!
//! `diagnose` builds its own runtime, so these are plain `#[test]`s. They
//! give it a current-thread builder, most often with its clock paused: the
//! tasks' own waiting (`tokio::time::sleep`) then costs no real time, while
//! a blocking poll (`std::thread::sleep`, or a busy loop on
//! `std::time::Instant`) takes real time on the test's one thread, which
//! is what the runtime's metrics and a per-poll timer measure. No other OS
//! thread is involved, so the paused clock never jumps while a poll blocks.
//!
//! Real time is noisy, and these tests must not depend on how busy the
//! machine is. So they judge each run against what happened in *that* run,
//! not against nominal durations: every fixture task times each of its own
//! polls ([`Watched`], the innermost wrapper, so any timer the solution or
//! the runtime puts around a poll sees at least as long), and the expected
//! `longest`, `blocked`, `busy` and poll counts come from those timings. A
//! blocking poll lasts at least twice `threshold` (`std::thread::sleep` and
//! the busy loops never end early); a "short" poll a few ms. A run where the
//! machine stretched a short poll to half of `threshold` or more cannot tell
//! a right answer from a wrong one: it is measured again, not judged
//! ([`measured`]). A wrong answer fails every run the same way.
//!
//! | mistake a learner makes | the test that catches it |
//! |---|---|
//! | polls timed with `tokio::time::Instant` (the paused clock does not move while a poll blocks) | `names_the_task_that_blocks` |
//! | the whole task timed instead of each poll (one "slow poll" per task, its total) | `names_the_task_that_blocks`, `waiting_is_not_blocking` |
//! | every task listed as a culprit, slow polls or not | `names_the_task_that_blocks` |
//! | `blocked` taken as the longest poll, or `longest` as the total | `names_the_task_that_blocks` |
//! | `longest` taken as the last (or first) slow poll | `culprits_come_worst_first` |
//! | a culprit's short polls added to its `blocked` (every poll summed once it has a slow one) | `many_short_polls_are_not_a_stall` |
//! | names paired with results in completion order (`JoinSet::join_next`) | `names_the_task_that_blocks`, `a_panicking_task_is_reported_not_fatal` |
//! | `panicked` listed in the order the tasks panicked, not the order given | `a_panicking_task_is_reported_not_fatal` |
//! | a task that panicked left out of the culprits, though it made a slow poll first | `a_panicking_task_is_reported_not_fatal` |
//! | a poll timed only when it returns (as README's sketch): one that blocks and then panics is not recorded | `a_poll_that_panics_still_counts` |
//! | timings kept in a map keyed by name: two tasks of the same name merged into one culprit | `tasks_of_the_same_name_are_separate_culprits` |
//! | the poll-time histogram not switched on | `counts_polls_and_slow_polls_as_the_runtime_saw_them` |
//! | the histogram's default buckets, counting the last one (every poll from 900 µs on) | `counts_polls_and_slow_polls_as_the_runtime_saw_them`, `many_short_polls_are_not_a_stall` |
//! | futures joined inside `block_on` instead of spawned (the runtime counts no task poll) | `counts_polls_and_slow_polls_as_the_runtime_saw_them` |
//! | `busy` taken as the wall-clock time of `block_on` (waiting counted as busy) | `waiting_is_not_blocking` |
//! | a culprit when a task's polls add up to `threshold` (many short polls) | `many_short_polls_are_not_a_stall` |
//! | culprits in the order given, or by number of slow polls, or by longest poll | `culprits_come_worst_first` |
//! | `handle.await.unwrap()`: one task's panic ends the diagnosis | `a_panicking_task_is_reported_not_fatal` |
//! | a runtime of its own instead of the caller's builder (its clock, its drivers) | `the_runtime_is_the_one_the_builder_describes` |

use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use kata_38_runtime_metrics::{Culprit, Report, Task, diagnose};
use kata_support::{Rng, catch_panic, for_each_seed_sync, ms, quiet_panics};
use tokio::runtime::Builder;

/// The threshold of the tests with fixed workloads.
const THRESHOLD: Duration = Duration::from_millis(50);

/// How much longer than a fixture saw a poll, a solution's timer may see it:
/// its own clock reads around the fixture's. Far less than any mistake
/// changes (a whole blocking poll, at least twice `threshold`).
fn tolerance(threshold: Duration) -> Duration {
    threshold / 2
}

/// One poll of a fixture task, timed from just around its own future.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// Real time the poll took.
    took: Duration,
    /// How long the task meant to block in it (its `Block` and `Spin`
    /// steps), in ms: 0 for a poll that only starts a wait.
    meant: u64,
}

/// What a fixture task did, poll by poll.
#[derive(Debug, Default)]
struct Trace {
    /// The blocking the current poll has done so far, in ms.
    meant: u64,
    polls: Vec<Seen>,
}

/// The innermost wrapper of a fixture task: times each poll with
/// `std::time::Instant`, and records it when the poll returns *or unwinds*
/// ([`PollTimer`]), so that a poll that panics is counted too, with its
/// duration (the runtime counts it, in its poll count and its histogram).
struct Watched<F> {
    future: Pin<Box<F>>,
    trace: Arc<Mutex<Trace>>,
}

/// Records one poll of a [`Watched`] task when dropped: at the end of the
/// poll, or while a panic unwinds out of it.
struct PollTimer<'a> {
    trace: &'a Mutex<Trace>,
    at: usize,
    started: Instant,
}

impl Drop for PollTimer<'_> {
    fn drop(&mut self) {
        let took = self.started.elapsed();
        let mut trace = self.trace.lock().unwrap_or_else(|e| e.into_inner());
        let meant = std::mem::take(&mut trace.meant);
        trace.polls[self.at] = Seen { took, meant };
    }
}

impl<F: Future<Output = ()>> Future for Watched<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let at = {
            let mut trace = this.trace.lock().unwrap();
            trace.polls.push(Seen {
                took: Duration::ZERO,
                meant: 0,
            });
            trace.polls.len() - 1
        };
        let _timer = PollTimer {
            trace: &this.trace,
            at,
            started: Instant::now(),
        };
        this.future.as_mut().poll(cx)
    }
}

/// One step of a fixture task.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// `tokio::time::sleep` (virtual on a paused clock): the poll ends.
    Wait(u64),
    /// `tokio::task::yield_now()`: the poll ends.
    Yield,
    /// `std::thread::sleep`, inside the poll.
    Block(u64),
    /// A busy loop on `std::time::Instant`, inside the poll.
    Spin(u64),
    /// A panic.
    Panic,
}

/// A fixture task: a name and what it does.
#[derive(Debug, Clone)]
struct Spec {
    name: &'static str,
    steps: Vec<Step>,
}

impl Spec {
    fn new(name: &'static str, steps: &[Step]) -> Spec {
        Spec {
            name,
            steps: steps.to_vec(),
        }
    }

    /// How long each poll that blocks (at all) blocks, in ms, in order.
    fn blocking_polls(&self) -> Vec<u64> {
        let mut polls = Vec::new();
        let mut current = 0;
        for step in &self.steps {
            match step {
                Step::Wait(_) | Step::Yield => {
                    if current > 0 {
                        polls.push(current);
                    }
                    current = 0;
                }
                Step::Block(d) | Step::Spin(d) => current += d,
                Step::Panic => {}
            }
        }
        if current > 0 {
            polls.push(current);
        }
        polls
    }

    /// The polls of `threshold` or more.
    fn slow_polls(&self, threshold: Duration) -> Vec<u64> {
        self.blocking_polls()
            .into_iter()
            .filter(|&d| ms(d) >= threshold)
            .collect()
    }

    /// When it ends on a paused clock (blocking takes no virtual time).
    fn virtual_end(&self) -> u64 {
        self.steps
            .iter()
            .map(|step| match step {
                Step::Wait(d) => *d,
                _ => 0,
            })
            .sum()
    }

    fn describe(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Wait(d) => format!("waits {d}ms"),
                Step::Yield => "yields".to_string(),
                Step::Block(d) => format!("blocks {d}ms (std::thread::sleep)"),
                Step::Spin(d) => format!("computes {d}ms (a busy loop)"),
                Step::Panic => "panics".to_string(),
            })
            .collect();
        format!("{}: {}", self.name, steps.join(", "))
    }

    /// The task handed to `diagnose`, and what the test keeps of it.
    fn task(&self) -> (Task, Arc<Mutex<Trace>>, Arc<AtomicBool>) {
        let done = Arc::new(AtomicBool::new(false));
        let trace = Arc::new(Mutex::new(Trace::default()));
        let (steps, name, finished, meant) =
            (self.steps.clone(), self.name, done.clone(), trace.clone());
        let block = move |d: u64| meant.lock().unwrap().meant += d;
        let future = quiet_panics(async move {
            for step in steps {
                match step {
                    Step::Wait(d) => tokio::time::sleep(ms(d)).await,
                    Step::Yield => tokio::task::yield_now().await,
                    Step::Block(d) => {
                        block(d);
                        std::thread::sleep(ms(d));
                    }
                    Step::Spin(d) => {
                        block(d);
                        let end = Instant::now() + ms(d);
                        while Instant::now() < end {
                            std::hint::spin_loop();
                        }
                    }
                    Step::Panic => panic!("{name} failed (on purpose: a task that panics)"),
                }
            }
            finished.store(true, Ordering::SeqCst);
        });
        let watched = Watched {
            future: Box::pin(future),
            trace: trace.clone(),
        };
        (
            Task {
                name: self.name,
                future: Box::pin(watched),
            },
            trace,
            done,
        )
    }
}

/// How many runs of a case may fail before the failure counts.
const ATTEMPTS: u32 = 3;
/// How many runs a case may take in all, judged or not.
const RUNS: u32 = 12;

/// Runs `case` (one call of `diagnose` and its checks) until a run passes.
/// A run that cannot be judged (`case` returns why: the machine stretched a
/// short poll) does not count; a failing run counts, and [`ATTEMPTS`] of
/// them fail the test: a busy machine can delay a thread now and then, but
/// a mistake fails every run the same way.
fn measured(mut case: impl FnMut() -> Option<String>) {
    let (mut failures, mut failure, mut unclear) = (0, String::new(), Vec::new());
    for _ in 0..RUNS {
        match catch_panic(&mut case) {
            Ok(None) => return,
            Ok(Some(why)) => unclear.push(why),
            Err(message) => {
                failures += 1;
                failure = message;
                if failures == ATTEMPTS {
                    panic!(
                        "{failure}\n(Measured {ATTEMPTS} times, failed every time: a busy machine \
                         can stretch a poll now and then, but not the same way {ATTEMPTS} times \
                         in a row.)"
                    );
                }
            }
        }
    }
    if failures > 0 {
        panic!(
            "{failure}\n(This failed {failures} of the runs that could be judged; in {} runs the \
             machine was too busy to judge at all.)",
            unclear.len()
        );
    }
    panic!(
        "This machine was too busy to measure anything: in each of {RUNS} runs it stopped the \
         test's thread in the middle of a short poll for a long time ({}). That says nothing \
         about your code: run the grader again when the machine is quieter.",
        unclear.join("; ")
    );
}

/// A paused current-thread builder, as most tests give `diagnose`.
fn paused() -> Builder {
    let mut builder = Builder::new_current_thread();
    builder.enable_time().start_paused(true);
    builder
}

/// What one call of `diagnose` gave, and what the fixtures saw.
struct Run {
    what: String,
    report: Report,
    /// Each task's polls, as it timed them itself.
    seen: Vec<Vec<Seen>>,
    /// Whether each task ran to its end.
    finished: Vec<bool>,
    /// The real time `diagnose` took.
    elapsed: Duration,
}

fn run(builder: Builder, how: &str, threshold: Duration, specs: &[Spec]) -> Run {
    let mut what = format!(
        "diagnose({how}, threshold {}ms, tasks:",
        threshold.as_millis()
    );
    for spec in specs {
        let _ = write!(what, "\n    {}", spec.describe());
    }
    what.push_str("\n  )");
    let (mut tasks, mut traces, mut done) = (Vec::new(), Vec::new(), Vec::new());
    for spec in specs {
        let (task, trace, finished) = spec.task();
        tasks.push(task);
        traces.push(trace);
        done.push(finished);
    }
    let start = Instant::now();
    let report = match catch_panic(|| diagnose(builder, threshold, tasks)) {
        Ok(report) => report,
        Err(message) => panic!(
            "{what} panicked: {message}\n`diagnose` must report, not panic. If a task's \
             panic came through, the JoinHandle's error was unwrapped: `Err(e)` with \
             `e.is_panic()` means that task goes into `panicked`, and the other tasks still \
             run to their end."
        ),
    };
    Run {
        what,
        report,
        seen: traces
            .iter()
            .map(|trace| trace.lock().unwrap().polls.clone())
            .collect(),
        finished: done.iter().map(|d| d.load(Ordering::SeqCst)).collect(),
        elapsed: start.elapsed(),
    }
}

fn show(report: &Report) -> String {
    let mut text = format!(
        "polls {}, slow_polls {}, busy {:?}, panicked {:?}, culprits:",
        report.polls, report.slow_polls, report.busy, report.panicked
    );
    if report.culprits.is_empty() {
        text.push_str(" none");
    }
    for culprit in &report.culprits {
        let _ = write!(
            text,
            "\n    {} (slow_polls {}, longest {:?}, blocked {:?})",
            culprit.name, culprit.slow_polls, culprit.longest, culprit.blocked
        );
    }
    text
}

fn names(culprits: &[Culprit]) -> Vec<&'static str> {
    culprits.iter().map(|c| c.name).collect()
}

impl Run {
    /// The slow polls (meant to block `threshold` or more) of the task at
    /// `index`, as long as it saw them.
    fn slow(&self, index: usize, threshold: Duration) -> Vec<Duration> {
        self.seen[index]
            .iter()
            .filter(|poll| ms(poll.meant) >= threshold)
            .map(|poll| poll.took)
            .collect()
    }

    /// The tasks with a slow poll, worst (largest sum of slow polls, as
    /// they saw them) first: the culprits a report should list, by index
    /// into the specs (names may repeat).
    fn culprit_indices(&self, threshold: Duration) -> Vec<usize> {
        let mut totals: Vec<(Duration, usize)> = (0..self.seen.len())
            .filter_map(|index| {
                let slow = self.slow(index, threshold);
                (!slow.is_empty()).then(|| (slow.iter().sum(), index))
            })
            .collect();
        totals.sort_by_key(|&(total, _)| std::cmp::Reverse(total));
        totals.into_iter().map(|(_, index)| index).collect()
    }

    /// Every poll's real time, as the tasks saw them.
    fn time_in_polls(&self) -> Duration {
        self.seen.iter().flatten().map(|poll| poll.took).sum()
    }

    /// Why this run cannot be judged, if it cannot: the machine kept the
    /// thread from a short poll for half of `threshold` or more (any timer
    /// around it might then see it slow), or the culprits' totals came out
    /// so close that a timer's clock reads could swap them.
    fn unclear(
        &self,
        threshold: Duration,
        specs: &[Spec],
        expected_order: &[&str],
    ) -> Option<String> {
        for (spec, polls) in specs.iter().zip(&self.seen) {
            if let Some(poll) = polls
                .iter()
                .find(|poll| ms(poll.meant) < threshold && poll.took >= threshold / 2)
            {
                return Some(format!(
                    "a poll of {} meant to take {}ms took {:?}",
                    spec.name, poll.meant, poll.took
                ));
            }
        }
        let mut totals: Vec<(Duration, Duration, &str)> = specs
            .iter()
            .enumerate()
            .filter_map(|(index, spec)| {
                let slow = self.slow(index, threshold);
                let room = tolerance(threshold) * slow.len() as u32;
                (!slow.is_empty()).then(|| (slow.iter().sum(), room, spec.name))
            })
            .collect();
        totals.sort_by_key(|&(total, _, _)| std::cmp::Reverse(total));
        let order: Vec<&str> = totals.iter().map(|&(_, _, name)| name).collect();
        let close = totals
            .windows(2)
            .any(|pair| pair[1].0 + pair[1].1 >= pair[0].0);
        (close || order != expected_order)
            .then(|| format!("the culprits' slow polls added up to {totals:?}, too close to order"))
    }
}

/// Checks the culprits against what the tasks saw: the right tasks, worst
/// first, each with its slow polls, longest and total.
fn check_culprits(run: &Run, threshold: Duration, expected_order: &[&str]) {
    let got = names(&run.report.culprits);
    if got != expected_order {
        let quiet: Vec<&str> = got
            .iter()
            .copied()
            .filter(|name| !expected_order.contains(name))
            .collect();
        let meaning = if got.is_empty() {
            "No culprit at all, although a task blocked the thread. Time each poll with \
             std::time::Instant: tokio's clock is paused here, and even a running tokio \
             clock does not move while the thread is stuck inside a poll, so every poll \
             looks like it took 0ms."
                .to_string()
        } else if !quiet.is_empty() {
            format!(
                "{quiet:?} never made a poll of threshold or more: they wait (or make short \
                 polls), which does not block anyone. A culprit is a task with at least one \
                 slow *poll*: time each call of poll, not the task from start to end, and \
                 list only the tasks with a slow poll."
            )
        } else if let Some(name) = expected_order.iter().find(|name| {
            let count = |list: &[&str]| list.iter().filter(|n| n == name).count();
            count(&got) < count(expected_order)
        }) {
            format!(
                "Several tasks are named {name:?}, and each of them made a slow poll: each is a \
                 culprit of its own, with its own slow polls, longest and total. Names need not \
                 be unique (many tasks of one kind share one): keep the timings per task (one \
                 record per spawned task, or per task Id), not in a map keyed by name."
            )
        } else if got.len() == expected_order.len() {
            "The right tasks, in the wrong order: the culprit that blocked the runtime \
             longest in all (`blocked`, the sum of its slow polls) comes first; not the one \
             with the most slow polls, the longest poll, or the first one given."
                .to_string()
        } else {
            let missing: Vec<&str> = expected_order
                .iter()
                .copied()
                .filter(|name| !got.contains(name))
                .collect();
            format!(
                "Missing: {missing:?}, with at least one poll of threshold or more each. \
                 Every task with a slow poll is a culprit, even one that panicked afterwards, \
                 or in that very poll (a poll that unwinds took its time too: record it from a \
                 guard's Drop, or catch the unwind around the inner poll and resume it); \
                 and each task's timings go with its own name (the order the tasks were given, \
                 not the order they finished)."
            )
        };
        panic!(
            "{}\nreported {}\nThe culprits should be {expected_order:?}, got {got:?}. {meaning}",
            run.what,
            show(&run.report)
        );
    }
    let room = tolerance(threshold);
    // `unclear` has made sure the tasks' own totals give `expected_order`.
    let indices = run.culprit_indices(threshold);
    for (culprit, &index) in run.report.culprits.iter().zip(&indices) {
        let slow = run.slow(index, threshold);
        let longest = *slow.iter().max().unwrap();
        let total: Duration = slow.iter().sum();
        assert_eq!(
            culprit.slow_polls,
            slow.len() as u64,
            "{}\nreported {}\n{} made {} poll(s) of threshold or more (they took {slow:?}), the \
             report says {}. Count each poll that takes threshold or longer, once (timing the \
             whole task from its first poll to its end counts one).",
            run.what,
            show(&run.report),
            culprit.name,
            slow.len(),
            culprit.slow_polls
        );
        let why = if culprit.longest < longest {
            "the longest of its polls: keep the max of them, not the last (or the first) one"
        } else {
            "its single longest poll, not the sum of them"
        };
        assert!(
            culprit.longest >= longest && culprit.longest <= longest + room,
            "{}\nreported {}\n{}'s longest poll took {longest:?} (timed from inside it; your \
             timer, around it, may see up to {room:?} more), the report says {:?}: `longest` is \
             {why}.",
            run.what,
            show(&run.report),
            culprit.name,
            culprit.longest
        );
        let most = total + room * slow.len() as u32;
        let why = if culprit.blocked > most {
            " Only its slow polls count: its short polls (and its waiting) did not block anyone."
        } else {
            ""
        };
        assert!(
            culprit.blocked >= total && culprit.blocked <= most,
            "{}\nreported {}\n{}'s slow polls took {total:?} in all (timed from inside them; \
             your timer may see up to {room:?} more per poll), the report says {:?}: `blocked` \
             is the sum of its slow polls' durations, those of threshold or more.{why}",
            run.what,
            show(&run.report),
            culprit.name,
            culprit.blocked
        );
    }
}

const NAMES: [&str; 10] = [
    "parse-config",
    "resize-images",
    "heartbeat",
    "session-gc",
    "metrics-push",
    "audit-log",
    "compress",
    "fetch-prices",
    "send-mail",
    "warm-cache",
];

/// A task that only waits and yields, with now and then a short poll.
fn quiet(rng: &mut Rng, name: &'static str) -> Spec {
    let mut steps = Vec::new();
    for _ in 0..rng.range(2, 5) {
        steps.push(if rng.chance(1, 4) {
            Step::Yield
        } else {
            Step::Wait(rng.odd_ms(11, 900))
        });
        if rng.chance(1, 4) {
            steps.push(Step::Block(2));
        }
    }
    steps.push(Step::Wait(rng.odd_ms(11, 900)));
    Spec { name, steps }
}

/// A task with `slow` polls that block (or compute) for 2.2 to 3 times
/// `threshold` each, between waits.
fn blocker(rng: &mut Rng, name: &'static str, threshold: Duration, slow: usize) -> Spec {
    let t = threshold.as_millis() as u64;
    let mut steps = vec![Step::Wait(rng.odd_ms(11, 500))];
    for _ in 0..slow {
        let d = rng.range(t * 22 / 10, t * 3);
        steps.push(if rng.chance(1, 3) {
            Step::Spin(d)
        } else {
            Step::Block(d)
        });
        steps.push(Step::Wait(rng.odd_ms(11, 500)));
    }
    Spec { name, steps }
}

#[test]
fn names_the_task_that_blocks() {
    let mut case = 0;
    for_each_seed_sync(3, |mut rng| {
        case += 1;
        let threshold = ms(*rng.pick(&[43, 47, 52]));
        let mut names = NAMES.to_vec();
        rng.shuffle(&mut names);
        let specs = loop {
            let n = rng.range(3, 5) as usize;
            let mut specs: Vec<Spec> = (0..n).map(|i| quiet(&mut rng, names[i])).collect();
            let at = rng.below(n as u64 + 1) as usize;
            // The first case blocks twice: longest and blocked differ.
            let slow = if case == 1 {
                2
            } else {
                rng.range(1, 2) as usize
            };
            specs.insert(at, blocker(&mut rng, names[n], threshold, slow));
            // Finishing in another place than its place in the list, so
            // that completion order and given order tell apart.
            let mut ends: Vec<u64> = specs.iter().map(Spec::virtual_end).collect();
            ends.sort_unstable();
            ends.dedup();
            let rank = ends.iter().position(|&e| e == specs[at].virtual_end());
            if ends.len() == specs.len() && rank != Some(at) {
                break specs;
            }
        };
        let blocker = specs
            .iter()
            .find(|s| !s.slow_polls(threshold).is_empty())
            .unwrap()
            .name;
        measured(|| {
            let run = run(
                paused(),
                "a paused current-thread builder",
                threshold,
                &specs,
            );
            if let Some(why) = run.unclear(threshold, &specs, &[blocker]) {
                return Some(why);
            }
            check_culprits(&run, threshold, &[blocker]);
            assert!(
                run.finished.iter().all(|&f| f) && run.report.panicked.is_empty(),
                "{}\nreported {}\nEvery task should have run to its end, and none panicked.",
                run.what,
                show(&run.report)
            );
            None
        });
    });
}

#[test]
fn counts_polls_and_slow_polls_as_the_runtime_saw_them() {
    for_each_seed_sync(2, |mut rng| {
        let threshold = THRESHOLD;
        let mut names = NAMES.to_vec();
        rng.shuffle(&mut names);
        let mut specs: Vec<Spec> = (0..rng.range(2, 3) as usize)
            .map(|i| quiet(&mut rng, names[i]))
            .collect();
        // Short polls of 3ms: not slow, whatever they add up to.
        let mut chatty = Vec::new();
        for _ in 0..rng.range(6, 9) {
            chatty.push(Step::Block(3));
            chatty.push(Step::Yield);
        }
        specs.push(Spec::new(names[7], &chatty));
        let slow = rng.range(1, 2) as usize;
        specs.push(blocker(&mut rng, names[8], threshold, slow));
        rng.shuffle(&mut specs);
        let culprit = [names[8]];

        measured(|| {
            let run = run(
                paused(),
                "a paused current-thread builder",
                threshold,
                &specs,
            );
            if let Some(why) = run.unclear(threshold, &specs, &culprit) {
                return Some(why);
            }
            let per_task: Vec<usize> = run.seen.iter().map(Vec::len).collect();
            let polls = per_task.iter().sum::<usize>() as u64;
            assert_eq!(
                run.report.polls,
                polls,
                "{}\nreported {}\nThe tasks were polled {polls} times in all ({:?} per task), the \
                 report says {}. `polls` is the runtime's own count: worker_poll_count(w) summed \
                 over the workers, read once block_on has returned. 0 means the runtime polled no \
                 task: the futures must be spawned (tokio::spawn), since block_on's own future is \
                 not a task and its polls are not counted.",
                run.what,
                show(&run.report),
                per_task,
                run.report.polls
            );
            let slow: usize = (0..specs.len()).map(|i| run.slow(i, threshold).len()).sum();
            let short = specs
                .iter()
                .flat_map(|s| s.blocking_polls())
                .filter(|&d| ms(d) < threshold)
                .count();
            assert_eq!(
                run.report.slow_polls,
                slow as u64,
                "{}\nreported {}\nThe tasks made {slow} poll(s) of threshold or more (and {short} \
                 short ones of a few ms), the report says {} slow. `slow_polls` comes from the \
                 runtime's poll-time histogram: switch it on with \
                 enable_metrics_poll_time_histogram(), and give it a bucket that starts exactly \
                 at threshold (HistogramConfiguration::linear(threshold, 2): bucket 1 holds the \
                 polls of threshold or more). The default buckets are 100µs wide, and the last \
                 one holds every poll from 900µs on.",
                run.what,
                show(&run.report),
                run.report.slow_polls
            );
            let blocking = run.time_in_polls();
            assert!(
                run.report.busy >= blocking && run.report.busy <= run.elapsed,
                "{}\nreported {}\nThe tasks' polls kept the thread busy for {blocking:?} (timed \
                 from inside them), and diagnose took {:?} in all; the report says busy {:?}. \
                 `busy` is worker_total_busy_duration(w) summed over the workers, read after \
                 block_on.",
                run.what,
                show(&run.report),
                run.elapsed,
                run.report.busy
            );
            None
        });
    });
}

#[test]
fn waiting_is_not_blocking() {
    let threshold = THRESHOLD;
    let specs = [
        Spec::new("fetch-prices", &[Step::Wait(197), Step::Wait(213)]),
        Spec::new(
            "session-gc",
            &[Step::Wait(171), Step::Yield, Step::Wait(231)],
        ),
        Spec::new(
            "resize-images",
            &[Step::Wait(3), Step::Block(137), Step::Yield],
        ),
        Spec::new(
            "heartbeat",
            &[Step::Wait(137), Step::Wait(137), Step::Wait(137)],
        ),
    ];
    measured(|| {
        // A runtime whose clock runs: the waits are real.
        let running = || {
            let mut builder = Builder::new_current_thread();
            builder.enable_time();
            builder
        };
        let run = run(
            running(),
            "a current-thread builder whose clock runs",
            threshold,
            &specs,
        );
        if let Some(why) = run.unclear(threshold, &specs, &["resize-images"]) {
            return Some(why);
        }
        check_culprits(&run, threshold, &["resize-images"]);
        // Busy is the time in polls (plus a little bookkeeping); the rest of
        // the run the thread was idle, waiting for timers. Closer to the
        // first than to the whole run, whatever the machine's load.
        let in_polls = run.time_in_polls();
        let idle = run.elapsed.saturating_sub(in_polls);
        assert!(
            run.report.busy >= in_polls && run.report.busy <= in_polls + idle / 2,
            "{}\nreported {}\nThe thread was busy for {in_polls:?} (the tasks' polls, mostly the \
             one blocking poll) and idle the rest of the {:?} diagnose took, waiting for timers; \
             the report says busy {:?}. `busy` is the runtime's worker_total_busy_duration: time \
             spent running tasks, not the time block_on took.",
            run.what,
            show(&run.report),
            run.elapsed,
            run.report.busy
        );
        None
    });
}

#[test]
fn many_short_polls_are_not_a_stall() {
    let threshold = THRESHOLD;
    let mut chatty = Vec::new();
    for _ in 0..23 {
        chatty.push(Step::Block(3));
        chatty.push(Step::Yield);
    }
    // The culprit makes short polls too (15 of 3ms, more than a timer's
    // slack on its one slow poll): they are not part of what it `blocked`.
    let mut compress = vec![Step::Wait(53), Step::Block(113), Step::Wait(17)];
    for _ in 0..15 {
        compress.push(Step::Block(3));
        compress.push(Step::Yield);
    }
    let specs = [
        Spec::new("heartbeat", &[Step::Wait(211), Step::Wait(211)]),
        Spec::new("metrics-push", &chatty),
        Spec::new("compress", &compress),
        Spec::new("warm-cache", &[Step::Yield, Step::Wait(389)]),
    ];
    measured(|| {
        let run = run(
            paused(),
            "a paused current-thread builder",
            threshold,
            &specs,
        );
        if let Some(why) = run.unclear(threshold, &specs, &["compress"]) {
            return Some(why);
        }
        check_culprits(&run, threshold, &["compress"]);
        assert_eq!(
            run.report.slow_polls,
            1,
            "{}\nreported {}\nOne poll took threshold or more; metrics-push's 23 polls of 3ms are \
             short, though they add up to more than 69ms. Count the polls in the histogram's buckets that \
             start at threshold or later (with HistogramConfiguration::linear(threshold, 2), \
             bucket 1).",
            run.what,
            show(&run.report)
        );
        None
    });
}

#[test]
fn culprits_come_worst_first() {
    let threshold = THRESHOLD;
    let specs = [
        Spec::new(
            "compress",
            &[Step::Wait(19), Step::Block(251), Step::Wait(7)],
        ),
        Spec::new("heartbeat", &[Step::Wait(101), Step::Wait(101)]),
        Spec::new(
            "audit-log",
            &[Step::Block(97), Step::Yield, Step::Block(71), Step::Wait(3)],
        ),
        Spec::new(
            "resize-images",
            &[
                Step::Wait(41),
                Step::Block(107),
                Step::Wait(5),
                Step::Block(149),
                Step::Yield,
                Step::Block(103),
            ],
        ),
    ];
    // blocked: resize-images 359ms (3 polls), compress 251ms (1), audit-log
    // 168ms (2): neither the most slow polls nor the longest poll first.
    // And a culprit's longest poll is neither its first nor its last one.
    let order = ["resize-images", "compress", "audit-log"];
    measured(|| {
        let run = run(
            paused(),
            "a paused current-thread builder",
            threshold,
            &specs,
        );
        if let Some(why) = run.unclear(threshold, &specs, &order) {
            return Some(why);
        }
        check_culprits(&run, threshold, &order);
        None
    });
}

#[test]
fn a_panicking_task_is_reported_not_fatal() {
    let threshold = THRESHOLD;
    // parse-config is given first and ends third: awaited first, its
    // panic comes while warm-cache is still running. audit-log, given last,
    // panics first, after a slow poll: still a culprit, and listed second.
    let specs = [
        Spec::new("parse-config", &[Step::Wait(317), Step::Panic]),
        Spec::new("warm-cache", &[Step::Wait(907), Step::Yield]),
        Spec::new(
            "compress",
            &[Step::Wait(53), Step::Block(127), Step::Wait(17)],
        ),
        Spec::new("send-mail", &[Step::Wait(199), Step::Yield, Step::Wait(3)]),
        Spec::new(
            "audit-log",
            &[
                Step::Wait(23),
                Step::Block(211),
                Step::Wait(79),
                Step::Panic,
            ],
        ),
    ];
    let panics = ["parse-config", "audit-log"];
    measured(|| {
        let run = run(
            paused(),
            "a paused current-thread builder",
            threshold,
            &specs,
        );
        if let Some(why) = run.unclear(threshold, &specs, &["audit-log", "compress"]) {
            return Some(why);
        }
        assert_eq!(
            run.report.panicked,
            panics,
            "{}\nreported {}\nparse-config and audit-log panicked (audit-log first); the report \
             should name them (and only them) in `panicked`, in the order the tasks were given, \
             not the order they panicked. Await the JoinHandles in the order the tasks were \
             given and pair each result with its own task's name (a JoinSet hands results back \
             in the order the tasks finish).",
            run.what,
            show(&run.report)
        );
        let unfinished: Vec<&str> = specs
            .iter()
            .zip(&run.finished)
            .filter(|(spec, done)| !**done && !panics.contains(&spec.name))
            .map(|(spec, _)| spec.name)
            .collect();
        assert!(
            unfinished.is_empty(),
            "{}\nreported {}\n{unfinished:?} did not run to their end: one task's panic must not \
             stop the others. Await every handle, whatever the one before it gave.",
            run.what,
            show(&run.report)
        );
        check_culprits(&run, threshold, &["audit-log", "compress"]);
        None
    });
}

#[test]
fn a_poll_that_panics_still_counts() {
    let threshold = THRESHOLD;
    // audit-log blocks, then panics in that same poll: the poll never
    // returns, but it kept the thread for 173ms (the runtime's histogram
    // counts it). A timer read after `poll` returns never sees it.
    let specs = [
        Spec::new("heartbeat", &[Step::Wait(101), Step::Wait(103)]),
        Spec::new(
            "audit-log",
            &[Step::Wait(29), Step::Block(173), Step::Panic],
        ),
        Spec::new(
            "compress",
            &[Step::Wait(53), Step::Block(113), Step::Wait(17)],
        ),
    ];
    let order = ["audit-log", "compress"];
    measured(|| {
        let run = run(
            paused(),
            "a paused current-thread builder",
            threshold,
            &specs,
        );
        if let Some(why) = run.unclear(threshold, &specs, &order) {
            return Some(why);
        }
        assert_eq!(
            run.report.panicked,
            ["audit-log"],
            "{}\nreported {}\naudit-log panicked, and only it.",
            run.what,
            show(&run.report)
        );
        assert!(
            run.report.culprits.iter().any(|c| c.name == "audit-log"),
            "{}\nreported {}\naudit-log blocked the thread for {:?} in a poll that then \
             panicked, and is not among the culprits. That poll never returned, but it took \
             its time all the same (the runtime's histogram counts it: slow_polls says {}). A \
             timer read after `poll` returns never runs when the poll unwinds: record the \
             duration in a guard's Drop (it runs during the unwind too), or catch the unwind \
             around the inner poll, record, and resume it.",
            run.what,
            show(&run.report),
            run.slow(1, threshold),
            run.report.slow_polls
        );
        check_culprits(&run, threshold, &order);
        None
    });
}

#[test]
fn tasks_of_the_same_name_are_separate_culprits() {
    let threshold = THRESHOLD;
    // Two tasks of one kind, both named handle-request, both blocking:
    // 317ms in one poll for the one given last, 107ms + 103ms for the
    // first. Two culprits, each with its own numbers, the worse first.
    let specs = [
        Spec::new(
            "handle-request",
            &[
                Step::Wait(11),
                Step::Block(107),
                Step::Wait(5),
                Step::Block(103),
                Step::Yield,
            ],
        ),
        Spec::new("heartbeat", &[Step::Wait(101), Step::Wait(103)]),
        Spec::new(
            "compress",
            &[Step::Wait(53), Step::Block(151), Step::Wait(17)],
        ),
        Spec::new(
            "handle-request",
            &[Step::Wait(31), Step::Block(317), Step::Wait(7)],
        ),
    ];
    let order = ["handle-request", "handle-request", "compress"];
    measured(|| {
        let run = run(
            paused(),
            "a paused current-thread builder",
            threshold,
            &specs,
        );
        if let Some(why) = run.unclear(threshold, &specs, &order) {
            return Some(why);
        }
        check_culprits(&run, threshold, &order);
        None
    });
}

#[test]
fn the_runtime_is_the_one_the_builder_describes() {
    let threshold = THRESHOLD;
    measured(|| {
        let run_empty = run(paused(), "a paused current-thread builder", threshold, &[]);
        assert!(
            run_empty.report.polls == 0
                && run_empty.report.slow_polls == 0
                && run_empty.report.culprits.is_empty()
                && run_empty.report.panicked.is_empty(),
            "{}\nreported {}\nNo task, nothing to report: no poll, no culprit.",
            run_empty.what,
            show(&run_empty.report)
        );

        // 1.2s of sleeping, which the paused clock skips.
        let specs = [
            Spec::new(
                "heartbeat",
                &[Step::Wait(401), Step::Wait(401), Step::Wait(401)],
            ),
            Spec::new(
                "session-gc",
                &[Step::Wait(607), Step::Yield, Step::Wait(593)],
            ),
            Spec::new("send-mail", &[Step::Wait(1_201)]),
        ];
        let run = run(
            paused(),
            "a paused current-thread builder",
            threshold,
            &specs,
        );
        assert!(
            run.report.panicked.is_empty() && run.finished.iter().all(|&f| f),
            "{}\nreported {}\nThe tasks sleep with tokio::time::sleep, which needs the time \
             driver: the builder you are given has it (enable_time), so build the runtime from \
             that builder rather than a new one.",
            run.what,
            show(&run.report)
        );
        // A clock that runs cannot get through 1.201s of sleeping sooner;
        // the paused one skips it in a few ms, however busy the machine.
        assert!(
            run.elapsed < ms(1_201),
            "{}\nreported {}\ndiagnose took {:?} of real time, for tasks that only sleep 1.2s on \
             the builder's paused clock (which skips the sleeping). The runtime was not built \
             from the builder you were given: add the histogram to it (`builder.enable_metrics_\
             poll_time_histogram()...build()`) instead of starting a new one.",
            run.what,
            show(&run.report),
            run.elapsed
        );
        None
    });
}
