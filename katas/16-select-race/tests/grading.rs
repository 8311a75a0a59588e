//! Grading tests for kata 16: hedge a slow request with `select!`.
//!
//! Every test runs on a paused clock, so a request that "takes 317ms" takes
//! exactly 317ms of virtual time, and the time `hedged` returns tells which
//! requests ran when. Each request records into an event log when it
//! starts (is first polled), finishes, or is cancelled (dropped unfinished).
//! Durations are seeded and irregular (never multiples of 5 ms); a failing
//! case prints its seed and the command that replays it.
//!
//! The mistakes a learner makes, and the test that catches each:
//!
//! | mistake | caught by |
//! |---|---|
//! | the backup sent at once, with the primary | `a_fast_primary_wins_without_starting_the_backup` |
//! | the primary only started after the hedge delay | `a_fast_primary_wins_without_starting_the_backup` |
//! | the primary given up (dropped) when the timer fires: a timeout with a fallback | `the_primary_still_wins_if_it_answers_first_after_the_hedge` |
//! | the loser's `JoinHandle` dropped (detached, still running) | `a_slow_primary_is_hedged_and_the_backup_wins` |
//! | the timer's branch first in the first race, or no `biased;` | `a_primary_answering_exactly_at_the_hedge_time_needs_no_backup` |
//! | the backup's branch first in the second race, or no `biased;` | `a_tie_between_primary_and_backup_goes_to_the_primary` |
//! | checks on the requests every millisecond instead of awaiting them | `hedged_waits_without_waking_up` |
//! | spawned requests aborted on return, but left running when the caller gives up | `dropping_hedged_cancels_both_requests` |
//! | extra bounds on the output or the backup closure (`Send`, `'static`, `Debug`, `Fn`) | `any_output` (a test file that must compile) |
//!
//! The snapshot `the_race_is_logged_in_virtual_time` shows one whole race.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use kata_16_select_race::{Source, hedged};
use kata_support::{
    DropFlag, EventLog, Jitter, ONE_TIMER, Stopwatch, Timeline, Wakeups,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, no_blocking,
    no_hang, no_spin, track_drop,
};

/// Records "<name> cancelled" if the request is dropped before it finished.
struct CancelRecorder {
    log: EventLog,
    name: &'static str,
    finished: bool,
}

impl Drop for CancelRecorder {
    fn drop(&mut self) {
        if !self.finished {
            self.log.record(format!("{} cancelled", self.name));
        }
    }
}

/// A request that answers `value` `takes` after it is first polled (`None`:
/// never). It starts with a few seeded yields, which change the order in
/// which the runtime polls things without moving the clock. It is drawn on
/// the timeline as `name`: from its first poll until it answers, or until
/// it is dropped (cancelled).
fn request(
    log: &EventLog,
    name: &'static str,
    takes: Option<u64>,
    value: u32,
    jitter: Jitter,
) -> BoxFuture<'static, u32> {
    let log = log.clone();
    Box::pin(Timeline::current().span(name, async move {
        let mut recorder = CancelRecorder {
            log: log.clone(),
            name,
            finished: false,
        };
        log.record(format!("{name} started"));
        jitter.pause().await;
        match takes {
            Some(millis) => tokio::time::sleep(ms(millis)).await,
            None => std::future::pending().await,
        }
        log.record(format!("{name} finished"));
        recorder.finished = true;
        value
    }))
}

/// An answer, and the virtual ms at which it comes.
type Answer = ((Source, u32), u64);

/// One hedged call: the primary answers after `primary`, the backup after
/// `backup` (counted from when it starts); `None` never answers.
#[derive(Clone, Copy, Debug)]
struct Scenario {
    primary: Option<u64>,
    hedge_after: u64,
    backup: Option<u64>,
    primary_value: u32,
    backup_value: u32,
}

/// "taking 317ms and answering 1", or "that never answers".
fn request_does(takes: Option<u64>, value: u32) -> String {
    match takes {
        Some(t) => format!("taking {} and answering {value}", fmt_duration(ms(t))),
        None => "that never answers".to_string(),
    }
}

impl Scenario {
    fn new(primary: Option<u64>, hedge_after: u64, backup: Option<u64>) -> Scenario {
        Scenario {
            primary,
            hedge_after,
            backup,
            primary_value: 1,
            backup_value: 2,
        }
    }

    fn describe(&self) -> String {
        format!(
            "hedged(a primary {}, hedge_after {}, a backup {})",
            request_does(self.primary, self.primary_value),
            fmt_duration(ms(self.hedge_after)),
            request_does(self.backup, self.backup_value)
        )
    }

    /// Starts the timeline a failing test shows: the race as it should go
    /// until hedged returns, or until its caller gives up after
    /// `give_up_after`: the primary from the start, the backup from the
    /// hedge time if the primary has not answered by then, and the loser
    /// cut off the moment the winner answers.
    fn timeline(&self, give_up_after: Option<u64>) -> Timeline {
        let timeline = Timeline::start(self.describe());
        let (answer, hedges) = self.expected();
        let end = match (answer.map(|(_, at)| at), give_up_after) {
            (Some(at), Some(give_up)) => at.min(give_up),
            (Some(at), None) => at,
            (None, Some(give_up)) => give_up,
            (None, None) => return timeline,
        };
        timeline.expect("hedged", ms(0), ms(end));
        let primary = self.primary.map_or(end, |takes| takes.min(end));
        timeline.expect("primary", ms(0), ms(primary));
        if hedges && self.hedge_after <= end {
            let backup = self
                .backup
                .map_or(end, |takes| (self.hedge_after + takes).min(end));
            timeline.expect("backup", ms(self.hedge_after), ms(backup));
        }
        timeline
    }

    /// The answer, when it comes, and whether the backup is sent (at
    /// `hedge_after`). `None` if neither request ever answers.
    fn expected(&self) -> (Option<Answer>, bool) {
        let primary = self.primary.unwrap_or(u64::MAX);
        if primary <= self.hedge_after {
            return (
                Some(((Source::Primary, self.primary_value), primary)),
                false,
            );
        }
        let backup = self.backup.map_or(u64::MAX, |b| self.hedge_after + b);
        let answer = if primary <= backup && primary != u64::MAX {
            Some(((Source::Primary, self.primary_value), primary))
        } else if backup != u64::MAX {
            Some(((Source::Backup, self.backup_value), backup))
        } else {
            None
        };
        (answer, true)
    }
}

/// What one hedged call did.
struct Outcome {
    result: Option<(Source, u32)>,
    elapsed: Duration,
    backup_calls: usize,
    primary: DropFlag,
    /// The backup's flag, if `backup()` was called.
    backup: Option<DropFlag>,
    log: EventLog,
}

impl Outcome {
    fn started_at(&self, name: &str) -> Option<u64> {
        self.log
            .events()
            .into_iter()
            .find(|(_, event)| *event == format!("{name} started"))
            .map(|(at, _)| at)
    }
}

/// Runs the scenario, or gives up on it after `give_up_after` (as a caller
/// with its own timeout would).
async fn hedge(scenario: Scenario, jitter: Jitter, give_up_after: Option<u64>) -> Outcome {
    // The requests are drawn as bars on the timeline: the log's own events
    // would only repeat their starts and ends as ticks.
    let timeline = scenario.timeline(give_up_after);
    let log = EventLog::undrawn();
    let (primary_flag, primary) = track_drop(request(
        &log,
        "primary",
        scenario.primary,
        scenario.primary_value,
        jitter.clone(),
    ));

    let calls = Arc::new(AtomicUsize::new(0));
    let backup_slot: Arc<Mutex<Option<DropFlag>>> = Arc::default();
    let backup = {
        let (log, calls, slot) = (log.clone(), calls.clone(), backup_slot.clone());
        move || -> BoxFuture<'static, u32> {
            calls.fetch_add(1, Ordering::SeqCst);
            let (flag, backup) = track_drop(request(
                &log,
                "backup",
                scenario.backup,
                scenario.backup_value,
                jitter,
            ));
            *slot.lock().unwrap() = Some(flag);
            Box::pin(backup)
        }
    };

    let watch = Stopwatch::start();
    let call = no_spin(
        &scenario.describe(),
        timeline.span(
            "hedged",
            hedged(Box::pin(primary), ms(scenario.hedge_after), backup),
        ),
    );
    let result = match give_up_after {
        Some(after) => cancel_after(ms(after), call).await,
        None => Some(no_hang(&scenario.describe(), call).await),
    };
    let elapsed = watch.elapsed();
    match &result {
        Some(result) => log.record(format!("hedged returned {result:?}")),
        None => log.record("the caller gave up on hedged"),
    }
    let backup = backup_slot.lock().unwrap().take();
    Outcome {
        result,
        elapsed,
        backup_calls: calls.load(Ordering::SeqCst),
        primary: primary_flag,
        backup,
        log,
    }
}

/// Runs the scenario to its answer and checks everything the README asks:
/// the answer and when it came, whether and when the backup was sent, that
/// the loser was dropped before `hedged` returned, and that nothing is
/// left running. `why` explains a wrong answer in this scenario.
async fn check(scenario: Scenario, jitter: Jitter, why: &str) -> Outcome {
    let outcome = hedge(scenario, jitter, None).await;
    let call = scenario.describe();
    let (answer, hedges) = scenario.expected();
    let (expected, at) = answer.expect("a scenario that answers");
    assert!(
        outcome.result == Some(expected) && outcome.elapsed == ms(at),
        "{call} returned {:?} after {} of virtual time, expected {expected:?} after exactly \
         {}.\n{why}\nWhat happened:\n{}",
        outcome.result.unwrap(),
        fmt_duration(outcome.elapsed),
        fmt_duration(ms(at)),
        outcome.log
    );
    if hedges {
        assert!(
            outcome.backup_calls == 1 && outcome.started_at("backup") == Some(scenario.hedge_after),
            "{call} called backup() {} time(s), and the backup started at {:?} ms; expected \
             once, exactly at the hedge time ({}ms), since the primary had not answered by \
             then.\nWhat happened:\n{}",
            outcome.backup_calls,
            outcome.started_at("backup"),
            scenario.hedge_after,
            outcome.log
        );
    } else {
        assert_eq!(
            outcome.backup_calls, 0,
            "{call} called backup() {} time(s), expected never: the primary answered by the \
             hedge time. Hedging must cost nothing on the fast path: call backup() only once \
             the timer has won the first race.\nWhat happened:\n{}",
            outcome.backup_calls, outcome.log
        );
    }
    // Checked the instant hedged returned: the loser must already be gone.
    let loser = match expected.0 {
        Source::Primary => outcome.backup.as_ref().map(|flag| (flag, "backup")),
        Source::Backup => Some((&outcome.primary, "primary")),
    };
    if let Some((flag, name)) = loser {
        flag.assert_dropped(&format!(
            "the {name}, which lost the race in {call}, by the time hedged returned,"
        ));
    }
    assert_nothing_left_running(&format!("{call} returned"), ms(60_000)).await;
    outcome
}

#[tokio::test(start_paused = true)]
async fn a_fast_primary_wins_without_starting_the_backup() {
    for_each_seed(16, |mut rng| async move {
        let hedge_after = rng.odd_ms(20, 2000);
        let primary = if rng.chance(1, 6) {
            0
        } else {
            rng.odd_ms(1, hedge_after - 1)
        };
        let backup = if rng.chance(1, 3) {
            0
        } else {
            rng.odd_ms(1, 2000)
        };
        check(
            Scenario::new(Some(primary), hedge_after, Some(backup)),
            Jitter::new(rng.next_u64()),
            "The primary answered before the hedge delay was up, so there was never a reason \
             to send a backup. A (Backup, ..) answer means the backup was started at once; \
             an answer after the hedge time means the primary only started then: race the \
             primary against a timer first, and only call backup() when the timer wins.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_primary_is_hedged_and_the_backup_wins() {
    for_each_seed(16, |mut rng| async move {
        let hedge_after = rng.odd_ms(1, 1000);
        let backup = if rng.chance(1, 5) {
            0
        } else {
            rng.odd_ms(1, 1000)
        };
        let primary = if rng.chance(1, 4) {
            None
        } else {
            Some(hedge_after + backup + rng.odd_ms(1, 2000))
        };
        check(
            Scenario::new(primary, hedge_after, Some(backup)),
            Jitter::new(rng.next_u64()),
            "The primary had not answered at the hedge time, so the backup starts then and \
             answers first. Returning when the primary answers means hedged waited for it; \
             an answer before the hedge time means the backup was started at once.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_zero_hedge_delay_still_gives_the_primary_its_chance() {
    // hedge_after = 0: the backup is due at once, but a primary that is
    // ready at once answers first (a tie at the hedge time) and no backup is
    // called; a primary that is not ready at once is hedged at 0ms.
    for_each_seed(8, |mut rng| async move {
        let backup = rng.odd_ms(1, 700);
        // No jitter here: the primary must really be ready at once.
        check(
            Scenario::new(Some(0), 0, Some(backup)),
            Jitter::none(),
            "With hedge_after = 0 a primary that answers at once still wins, without a \
             backup: it is a tie at the hedge time, and ties go to the primary. Race the \
             primary against sleep(hedge_after) even when it is zero (a zero sleep is ready \
             at once, and is no error; an interval of zero period panics).",
        )
        .await;
        let primary = backup + rng.odd_ms(1, 700);
        check(
            Scenario::new(Some(primary), 0, Some(backup)),
            Jitter::new(rng.next_u64()),
            "With hedge_after = 0 and a primary that is not ready at once, the backup is \
             called at 0ms and its answer comes first.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn hedging_never_blocks_the_thread() {
    // A blocking sleep (say, a millisecond of "last chance" for the primary)
    // costs no virtual time, so the answers stay right; but it stops every
    // other task on the thread. Many hedged calls, all checked together.
    no_blocking(
        "hedged, over a dozen calls whose primary is slow",
        for_each_seed(12, |mut rng| async move {
            let hedge_after = rng.odd_ms(1, 1000);
            let backup = rng.odd_ms(1, 1000);
            let primary = hedge_after + backup + rng.odd_ms(1, 500);
            check(
                Scenario::new(Some(primary), hedge_after, Some(backup)),
                Jitter::new(rng.next_u64()),
                "The primary had not answered at the hedge time, so the backup starts then \
                 and answers first.",
            )
            .await;
        }),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_primary_still_wins_if_it_answers_first_after_the_hedge() {
    for_each_seed(16, |mut rng| async move {
        let hedge_after = rng.odd_ms(1, 1000);
        let backup = rng.odd_ms(20, 1000);
        let primary = hedge_after + rng.odd_ms(1, backup - 1);
        check(
            Scenario::new(Some(primary), hedge_after, Some(backup)),
            Jitter::new(rng.next_u64()),
            "The backup is sent at the hedge time, but the primary keeps running and answers \
             before the backup can. Hedging adds a racer; it does not give up on the primary. \
             A (Backup, ..) answer means the primary was dropped when the timer fired: race \
             `&mut primary` against the timer, so it survives, then race it against the \
             backup.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_primary_answering_exactly_at_the_hedge_time_needs_no_backup() {
    // A tie is decided by which branch select! polls first; an unbiased
    // select! picks at random, so play the tie many times.
    for_each_seed(32, |mut rng| async move {
        let hedge_after = rng.odd_ms(1, 2000);
        let backup = rng.odd_ms(1, 500);
        check(
            Scenario::new(Some(hedge_after), hedge_after, Some(backup)),
            Jitter::new(rng.next_u64()),
            "The primary and the hedge timer are both ready at the hedge time. The answer \
             that is already there wins: list the primary's branch first and start the \
             select! with `biased;`, so that branches are polled in order. Without `biased;`, \
             select! polls in a random order and a tie goes either way.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_tie_between_primary_and_backup_goes_to_the_primary() {
    for_each_seed(32, |mut rng| async move {
        let hedge_after = rng.odd_ms(1, 1000);
        let backup = rng.odd_ms(1, 1000);
        check(
            Scenario::new(Some(hedge_after + backup), hedge_after, Some(backup)),
            Jitter::new(rng.next_u64()),
            "The primary and the backup both answer at the same instant. At a tie the \
             primary's answer is kept: in the second select!, too, use `biased;` and list \
             the primary first.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_race_is_logged_in_virtual_time() {
    let mut scenario = Scenario::new(Some(1013), 211, Some(389));
    scenario.primary_value = 17;
    scenario.backup_value = 4;
    let outcome = hedge(scenario, Jitter::none(), None).await;
    insta::with_settings!({
        description => "hedged(a primary taking 1013ms, hedge_after 211ms, a backup taking \
            389ms). The primary starts at once; the backup is only sent at 211ms, when the \
            primary has not answered; the backup answers at 600ms and wins, and the primary \
            is cancelled (dropped) at that same instant, before hedged returns. A missing \
            'primary cancelled' line means the loser was left running.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("hedged_race_log", outcome.log.to_string());
    });
    assert_nothing_left_running("hedged returned", ms(60_000)).await;
}

#[tokio::test(start_paused = true)]
async fn hedged_waits_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let hedge_after = rng.odd_ms(5_000, 15_000);
        let primary = hedge_after + rng.odd_ms(10_000, 30_000);
        let scenario = Scenario::new(Some(primary), hedge_after, None);
        let wakeups = Wakeups::start();
        let outcome = hedge(scenario, Jitter::none(), None).await;
        assert_eq!(
            outcome.result,
            Some((Source::Primary, 1)),
            "{} returned {:?}.",
            scenario.describe(),
            outcome.result
        );
        // Two timers fire (the hedge timer and the primary's answer), each
        // costing a few wake-ups on its way down tokio's timer wheel.
        wakeups.assert_at_most(
            2 * ONE_TIMER,
            ms(primary),
            &format!("{} was waiting", scenario.describe()),
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_hedged_cancels_both_requests() {
    for_each_seed(8, |mut rng| async move {
        let hedge_after = rng.odd_ms(1, 1000);
        let scenario = Scenario::new(None, hedge_after, None);
        // The caller gives up before, or (more often) after, the hedge.
        let gives_up = if hedge_after > 20 && rng.chance(1, 4) {
            rng.odd_ms(1, hedge_after - 1)
        } else {
            hedge_after + rng.odd_ms(1, 2000)
        };
        let outcome = hedge(scenario, Jitter::new(rng.next_u64()), Some(gives_up)).await;
        let call = scenario.describe();
        assert!(
            outcome.result.is_none(),
            "{call} returned {:?} although neither request answers.",
            outcome.result
        );
        outcome.primary.assert_dropped(&format!(
            "the primary of {call}, whose caller gave up after {gives_up}ms (it dropped \
             hedged's future),"
        ));
        if let Some(backup) = &outcome.backup {
            backup.assert_dropped(&format!(
                "the backup of {call}, whose caller gave up after {gives_up}ms (it dropped \
                 hedged's future),"
            ));
        }
        assert_nothing_left_running(
            &format!("the caller gave up on {call} after {gives_up}ms"),
            ms(60_000),
        )
        .await;
        assert_eq!(
            outcome.backup_calls,
            usize::from(gives_up >= hedge_after),
            "{call}: the caller gave up after {gives_up}ms; backup() was called {} time(s).\n{}",
            outcome.backup_calls,
            outcome.log
        );
    })
    .await;
}
