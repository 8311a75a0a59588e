//! Grading tests for kata 16: hedge a slow request with `select!`.
//!
//! Every test runs on a paused clock, so a request that "takes 300ms" takes
//! exactly 300ms of virtual time, and the time `hedged` returns tells which
//! requests ran when. Each request records into an event log when it
//! starts (is first polled), finishes, or is cancelled (dropped unfinished).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use kata_16_select_race::{hedged, Source};
use kata_support::{
    assert_no_leaked_tasks, fmt_duration, ms, no_hang, track_drop, DropFlag, EventLog, Stopwatch,
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

/// A request that answers `value` `takes` after it is first polled.
fn request(
    log: &EventLog,
    name: &'static str,
    takes: Duration,
    value: u32,
) -> BoxFuture<'static, u32> {
    let log = log.clone();
    Box::pin(async move {
        let mut recorder = CancelRecorder {
            log: log.clone(),
            name,
            finished: false,
        };
        log.record(format!("{name} started"));
        tokio::time::sleep(takes).await;
        log.record(format!("{name} finished"));
        recorder.finished = true;
        value
    })
}

/// One hedged call: the primary answers 1 after `primary`, the backup
/// answers 2 after `backup` (counted from when it starts).
#[derive(Clone, Copy)]
struct Scenario {
    primary: u64,
    hedge_after: u64,
    backup: u64,
}

impl Scenario {
    fn describe(&self) -> String {
        format!(
            "hedged(a primary taking {}, hedge_after {}, a backup taking {})",
            fmt_duration(ms(self.primary)),
            fmt_duration(ms(self.hedge_after)),
            fmt_duration(ms(self.backup))
        )
    }
}

/// What one hedged call did.
struct Outcome {
    result: (Source, u32),
    elapsed: Duration,
    backup_calls: usize,
    primary: DropFlag,
    /// The backup's flag, if `backup()` was called.
    backup: Option<DropFlag>,
    log: EventLog,
}

async fn run(scenario: Scenario) -> Outcome {
    let log = EventLog::new();
    let (primary_flag, primary) = track_drop(request(&log, "primary", ms(scenario.primary), 1));

    let calls = Arc::new(AtomicUsize::new(0));
    let backup_slot: Arc<Mutex<Option<DropFlag>>> = Arc::default();
    let backup = {
        let (log, calls, slot) = (log.clone(), calls.clone(), backup_slot.clone());
        move || -> BoxFuture<'static, u32> {
            calls.fetch_add(1, Ordering::SeqCst);
            let (flag, backup) = track_drop(request(&log, "backup", ms(scenario.backup), 2));
            *slot.lock().unwrap() = Some(flag);
            Box::pin(backup)
        }
    };

    let watch = Stopwatch::start();
    let result = no_hang(
        &scenario.describe(),
        hedged(Box::pin(primary), ms(scenario.hedge_after), backup),
    )
    .await;
    let elapsed = watch.elapsed();
    log.record(format!("hedged returned {result:?}"));
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

/// Checks the answer and the exact virtual time it came back.
#[track_caller]
fn assert_answer(
    scenario: Scenario,
    outcome: &Outcome,
    expected: (Source, u32),
    at: u64,
    why: &str,
) {
    assert!(
        outcome.result == expected && outcome.elapsed == ms(at),
        "{} returned {:?} after {} of virtual time, expected {:?} after exactly {}.\n{why}\n\
         What happened:\n{}",
        scenario.describe(),
        outcome.result,
        fmt_duration(outcome.elapsed),
        expected,
        fmt_duration(ms(at)),
        outcome.log
    );
}

#[tokio::test(start_paused = true)]
async fn a_fast_primary_wins_without_starting_the_backup() {
    let scenario = Scenario {
        primary: 100,
        hedge_after: 300,
        backup: 50,
    };
    let outcome = run(scenario).await;
    assert_answer(
        scenario,
        &outcome,
        (Source::Primary, 1),
        100,
        "The primary answered at 100ms, before the hedge delay of 300ms was up, so there \
         was never a reason to send a backup. A (Backup, 2) answer at 50ms means the \
         backup was started at once: race the primary against a timer first, and only \
         call backup() when the timer wins.",
    );
    assert_eq!(
        outcome.backup_calls,
        0,
        "{} called backup() {} time(s), expected never: the primary answered before \
         hedge_after. Hedging must cost nothing on the fast path; sending every request \
         twice doubles the load on the service.",
        scenario.describe(),
        outcome.backup_calls
    );
    assert_no_leaked_tasks("hedged returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_primary_is_hedged_and_the_backup_wins() {
    let scenario = Scenario {
        primary: 1000,
        hedge_after: 200,
        backup: 300,
    };
    let outcome = run(scenario).await;
    assert_answer(
        scenario,
        &outcome,
        (Source::Backup, 2),
        500,
        "The primary had not answered at 200ms, so the backup starts then and answers \
         300ms later, at 500ms, long before the primary (1s). Returning at 1s means \
         hedged waited for the primary; at 300ms, the backup was started at once.",
    );
    assert_eq!(
        outcome.backup_calls,
        1,
        "{} called backup() {} time(s), expected exactly once, at the hedge time.",
        scenario.describe(),
        outcome.backup_calls
    );
    // Checked the instant hedged returned: the loser must already be gone.
    outcome
        .primary
        .assert_dropped("the primary, which lost the race to the backup,");
    assert_no_leaked_tasks("hedged returned").await;
}

#[tokio::test(start_paused = true)]
async fn the_primary_still_wins_if_it_answers_first_after_the_hedge() {
    let scenario = Scenario {
        primary: 400,
        hedge_after: 200,
        backup: 500,
    };
    let outcome = run(scenario).await;
    assert_answer(
        scenario,
        &outcome,
        (Source::Primary, 1),
        400,
        "The backup is sent at 200ms, but the primary keeps running and answers at 400ms, \
         before the backup could (at 700ms). Hedging adds a racer; it does not give up on \
         the primary. A (Backup, 2) answer at 700ms means the primary was dropped when \
         the timer fired: race `&mut primary` against the timer, so it survives, then \
         race it against the backup.",
    );
    match &outcome.backup {
        Some(flag) => flag.assert_dropped("the backup, which lost the race to the primary,"),
        None => panic!(
            "{} never called backup(), but the primary had not answered at the hedge time \
             (200ms): the backup must be sent then.",
            scenario.describe()
        ),
    }
    assert_no_leaked_tasks("hedged returned").await;
}

#[tokio::test(start_paused = true)]
async fn a_primary_answering_exactly_at_the_hedge_time_needs_no_backup() {
    let scenario = Scenario {
        primary: 200,
        hedge_after: 200,
        backup: 100,
    };
    // A tie is decided by which branch select! polls first; an unbiased
    // select! picks at random, so play the tie many times.
    for round in 1..=32 {
        let outcome = run(scenario).await;
        assert_answer(
            scenario,
            &outcome,
            (Source::Primary, 1),
            200,
            &format!(
                "Round {round}: the primary and the hedge timer are both ready at 200ms. The \
                 answer that is already there wins: list the primary's branch first and start \
                 the select! with `biased;`, so that branches are polled in order. Without \
                 `biased;`, select! polls in a random order and a tie goes either way. \
                 (If the log shows the backup starting before 200ms, it was sent too \
                 early: call backup() only once the timer has won.)"
            ),
        );
        assert_eq!(
            outcome.backup_calls,
            0,
            "round {round}: {} called backup() although the primary answered exactly at \
             the hedge time: the primary wins the tie, so no backup is needed.",
            scenario.describe()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_tie_between_primary_and_backup_goes_to_the_primary() {
    let scenario = Scenario {
        primary: 500,
        hedge_after: 200,
        backup: 300,
    };
    for round in 1..=32 {
        let outcome = run(scenario).await;
        assert_answer(
            scenario,
            &outcome,
            (Source::Primary, 1),
            500,
            &format!(
                "Round {round}: the primary and the backup both answer at 500ms. At a tie the \
                 primary's answer is kept: in the second select!, too, use `biased;` and list \
                 the primary first."
            ),
        );
    }
}

#[tokio::test(start_paused = true)]
async fn the_race_is_logged_in_virtual_time() {
    let outcome = run(Scenario {
        primary: 1000,
        hedge_after: 200,
        backup: 300,
    })
    .await;
    insta::with_settings!({
        description => "hedged(a primary taking 1s, hedge_after 200ms, a backup taking 300ms). \
            The primary starts at once; the backup is only sent at 200ms, when the primary \
            has not answered; the backup answers at 500ms and wins, and the primary is \
            cancelled (dropped) at that same instant, before hedged returns. A missing \
            'primary cancelled' line means the loser was left running.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("hedged_race_log", outcome.log.to_string());
    });
    assert_no_leaked_tasks("hedged returned").await;
}
