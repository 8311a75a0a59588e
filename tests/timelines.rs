//! Timelines end to end: a known-wrong solution that gets the timing or the
//! order wrong fails a test whose report carries a timeline, with what the
//! test expected next to what the code did (kata-support records it, the
//! grader reads it from the test's output and puts it in its JSON report).
//!
//! One wrong solution per kata whose tests draw timelines, all graded in
//! one grader run (`--solutions-dir`, so `katas/` is never touched). For
//! each, the test that catches the mistake must show both sides, and they
//! must differ: a picture in which "expected" and "yours" look the same
//! explains nothing. A hang shows as work that never ended (`end_ms: null`).

mod common;

use serde_json::Value;

use common::{grader, json_of, kata, repo, solutions_dir};

/// What a wrong solution's failing test must draw.
#[derive(Clone, Copy, PartialEq)]
enum Shows {
    /// Expected and observed bars that differ.
    Timing,
    /// Expected bars, and observed work that never ended.
    Hang,
}

/// (kata, known-wrong solution, the test that catches it, what it shows).
const WRONG: [(&str, &str, &str, Shows); 12] = [
    (
        "06-join-concurrently",
        "sequential_awaits",
        "grading::both_waits_for_the_two_futures_at_the_same_time",
        Shows::Timing,
    ),
    (
        "07-timeout",
        "await_then_check_elapsed",
        "grading::a_slow_future_times_out_at_exactly_the_limit",
        Shows::Timing,
    ),
    (
        "08-deadline-retry",
        "full_backoff_past_deadline",
        "grading::gives_up_exactly_at_the_deadline_without_sleeping_past_it",
        Shows::Timing,
    ),
    (
        "09-interval-ticks",
        "sleep_loop",
        "grading::a_short_stall_does_not_shift_the_schedule",
        Shows::Timing,
    ),
    (
        "15-graceful-shutdown",
        "aborting_workers",
        "grading::jobs_in_flight_at_shutdown_are_finished",
        Shows::Timing,
    ),
    (
        "16-select-race",
        "backup_started_at_once",
        "grading::a_slow_primary_is_hedged_and_the_backup_wins",
        Shows::Timing,
    ),
    (
        "18-joinset-first-ok",
        "waiting_for_all",
        "grading::returns_at_the_first_success",
        Shows::Timing,
    ),
    (
        "20-semaphore-limit",
        "fixed_batches",
        "grading::six_jobs_at_limit_two_end_at_four_seconds",
        Shows::Timing,
    ),
    (
        "21-stream-buffered",
        "collect_ids_first",
        "grading::fetching_starts_as_soon_as_the_first_id_arrives",
        Shows::Timing,
    ),
    (
        "22-shared-state",
        "tokio_mutex_held_across_the_reply",
        "grading::concurrent_handlers_each_take_10ms",
        Shows::Timing,
    ),
    (
        "23-lock-across-await",
        "one_global_lock",
        "grading::a_loader_can_get_other_keys_through_the_cache",
        Shows::Hang,
    ),
    (
        "24-rwlock-readers",
        "mutex_instead_of_rwlock",
        "grading::concurrent_lookups_each_take_one_check",
        Shows::Timing,
    ),
];

fn bars<'a>(timeline: &'a Value, side: &str) -> &'a Vec<Value> {
    timeline[side]
        .as_array()
        .unwrap_or_else(|| panic!("a timeline without `{side}`: {timeline:#}"))
}

#[test]
fn a_timing_mistake_fails_with_a_timeline_of_what_was_expected_and_what_happened() {
    let files: Vec<(&str, String)> = WRONG
        .iter()
        .map(|(id, wrong, _, _)| {
            let path = repo()
                .join("solutions")
                .join(id)
                .join("wrong")
                .join(format!("{wrong}.rs"));
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (*id, source)
        })
        .collect();
    let dir = solutions_dir(&files);
    let mut args = vec![
        "--solutions-dir",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(WRONG.iter().map(|(id, _, _, _)| *id));
    let output = grader(&args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "known-wrong solutions must fail: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_of(&output);

    for (id, wrong, test, shows) in WRONG {
        let k = kata(&report, id);
        let found = k["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == test)
            .unwrap_or_else(|| panic!("{id}: no test {test}: {k:#}"));
        assert_ne!(found["status"], "passed", "{id}, wrong/{wrong}: {found:#}");
        let timeline = &found["timeline"];
        assert!(
            timeline.is_object(),
            "{id}, wrong/{wrong}: {test} failed without a timeline: {found:#}"
        );
        assert!(
            timeline["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{id}: an untitled timeline: {timeline:#}"
        );
        let (expected, observed) = (bars(timeline, "expected"), bars(timeline, "observed"));
        assert!(
            !expected.is_empty() && !observed.is_empty(),
            "{id}, wrong/{wrong}: {test} drew {} expected and {} observed bars: {timeline:#}",
            expected.len(),
            observed.len()
        );
        for bar in expected.iter().chain(observed) {
            assert!(
                bar["label"].as_str().is_some_and(|l| !l.is_empty())
                    && bar["start_ms"].is_u64()
                    && (bar["end_ms"].is_u64() || bar["end_ms"].is_null()),
                "{id}: a malformed bar {bar:#}"
            );
        }
        match shows {
            Shows::Timing => assert_ne!(
                expected, observed,
                "{id}, wrong/{wrong}: the timeline of {test} shows the same bars on both sides: \
                 it does not show the mistake"
            ),
            Shows::Hang => assert!(
                observed.iter().any(|bar| bar["end_ms"].is_null()),
                "{id}, wrong/{wrong}: {test} hangs, but every observed bar ended: {timeline:#}"
            ),
        }
    }
}
