//! End-to-end tests of the grader's explanations of *what happened*: the
//! timeline a timing test saw in virtual time next to the one it expected,
//! where a hung test's futures and tasks were waiting, and where a blocked
//! thread was stuck. Each runs the real grader on a real kata, the shipped
//! stub or a variant graded through `--solutions-dir` (nothing in `katas/`
//! is written), and checks that the learner's own lines are named: lines
//! found in the variant's source, so a variant laid out another way is
//! named just as well.

mod common;

use serde_json::Value;

use common::{grader, json_of, kata, solutions_dir, text};

/// The 1-based line of `source` that contains `needle` (exactly one does).
fn line_of(source: &str, needle: &str) -> usize {
    let lines: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` should be on exactly one line");
    lines[0]
}

fn stub(kata: &str) -> String {
    std::fs::read_to_string(common::repo().join("katas").join(kata).join("src/lib.rs")).unwrap()
}

fn wrong(kata: &str, name: &str) -> String {
    std::fs::read_to_string(
        common::repo()
            .join("solutions")
            .join(kata)
            .join("wrong")
            .join(format!("{name}.rs")),
    )
    .unwrap()
}

/// The JSON report of kata `id` graded with `source` as its code (through
/// `--solutions-dir`, so `katas/` is never written).
fn grade_variant(id: &str, source: String) -> Value {
    let dir = solutions_dir(&[(id, source)]);
    let number = &id[..2];
    let output = grader(&[
        number,
        "--solutions-dir",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    json_of(&output)
}

/// The tests of `report`'s kata `id`, by name.
fn test<'a>(report: &'a Value, id: &str, name: &str) -> &'a Value {
    kata(report, id)["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{id} has no test {name}"))
}

fn bars(timeline: &Value, side: &str) -> Vec<(String, u64, Option<u64>)> {
    timeline[side]
        .as_array()
        .unwrap_or_else(|| panic!("no {side} bars: {timeline}"))
        .iter()
        .map(|bar| {
            (
                bar["label"].as_str().unwrap().to_string(),
                bar["start_ms"].as_u64().unwrap(),
                bar["end_ms"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn sequential_awaits_show_both_timelines_in_the_terminal_and_in_json() {
    // Kata 06's stub awaits `a`, then `b`: one after the other.
    let json = grader(&["06", "--format", "json"]).output().unwrap();
    let report = json_of(&json);
    let failing = test(
        &report,
        "06-join-concurrently",
        "grading::both_waits_for_the_two_futures_at_the_same_time",
    );
    let timeline = &failing["timeline"];
    let expected = bars(timeline, "expected");
    let observed = bars(timeline, "observed");
    let find = |bars: &[(String, u64, Option<u64>)], label: &str| {
        bars.iter()
            .find(|b| b.0 == label)
            .cloned()
            .unwrap_or_else(|| panic!("no bar {label} in {timeline}"))
    };
    let (a, b) = (find(&expected, "a"), find(&expected, "b"));
    assert_eq!((a.1, b.1), (0, 0), "both should start at once: {timeline}");
    let (a, b) = (find(&observed, "a"), find(&observed, "b"));
    assert_eq!(a.1, 0, "{timeline}");
    assert_eq!(
        Some(b.1),
        a.2,
        "the stub's b starts where its a ends: {timeline}"
    );

    // The terminal: both sides drawn on one scale, `yours` ending later.
    let human = grader(&["06"]).output().unwrap();
    let (stdout, _) = text(&human);
    let start = stdout
        .find("both_waits_for_the_two_futures_at_the_same_time")
        .expect("the failing test is shown");
    let block: Vec<&str> = stdout[start..]
        .lines()
        .skip_while(|l| !l.contains("timeline in virtual time"))
        .take(5)
        .collect();
    assert_eq!(block.len(), 5, "{stdout}");
    assert!(block[1].trim_start().starts_with("expected"), "{stdout}");
    assert!(block[3].trim_start().starts_with("yours"), "{stdout}");
    let done = |line: &str| line.split("done at ").nth(1).map(str::to_string);
    let expected_done = done(block[2]).expect("expected side's end");
    let yours_done = done(block[4]).expect("your side's end");
    assert_ne!(expected_done, yours_done, "{stdout}");
    // Yours b starts (its first cell) right of where yours a ends.
    let cells = |line: &str| -> Vec<usize> {
        line.chars()
            .enumerate()
            .filter(|(_, c)| *c == '█')
            .map(|(i, _)| i)
            .collect()
    };
    assert!(
        cells(block[4])[0] > *cells(block[3]).last().unwrap(),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "no colour off a terminal");
    assert!(!stdout.contains("tokio-katas timeline:"), "{stdout}");
}

#[test]
fn a_thread_sleep_is_named_at_the_learners_own_line() {
    // The stub's blocking sleep, moved into a helper of the learner's own,
    // further down the file: the message must follow it there.
    let source = stub("25-no-thread-sleep")
        .replace("    std::thread::sleep(READ_TIME);\n", "    settle();\n")
        + "\n/// Waits for the sensor to settle.\nfn settle() {\n    let pause = READ_TIME;\n    std::thread::sleep(pause);\n}\n";
    let line = line_of(&source, "std::thread::sleep(pause)");
    let report = grade_variant("25-no-thread-sleep", source);
    let message = test(
        &report,
        "25-no-thread-sleep",
        "grading::no_read_blocks_the_thread",
    )["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(&format!(
            "It was blocked in `std::thread::sleep`, called at src/lib.rs:{line} in `settle`"
        )),
        "{message}"
    );
    assert!(message.contains("tokio::time::sleep"), "{message}");
}

#[test]
fn a_busy_loop_stopped_at_its_limit_is_named_at_its_line() {
    let source = wrong("25-no-thread-sleep", "busy_wait_tokio_instant");
    let lines = [
        line_of(&source, "while start.elapsed() < READ_TIME"),
        line_of(&source, "std::hint::spin_loop()"),
    ];
    let report = grade_variant("25-no-thread-sleep", source);
    let timed_out: Vec<&Value> = kata(&report, "25-no-thread-sleep")["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "timed_out")
        .collect();
    assert!(!timed_out.is_empty(), "{report}");
    // Every test stopped at its limit says where the loop was.
    for test in timed_out {
        let message = test["message"].as_str().unwrap();
        let named = lines
            .iter()
            .any(|line| message.contains(&format!("src/lib.rs:{line}")));
        assert!(
            message.contains("Where your code was when the limit came near") && named,
            "{}: {message}",
            test["name"]
        );
        assert!(message.contains("never reaches an `.await`"), "{message}");
    }
}

#[test]
fn a_lock_held_across_an_await_is_shown_waiting_at_both_lines() {
    // Kata 23's stub holds the map's guard while it awaits the loader, so
    // a loader that reads another key through the cache deadlocks.
    let source = stub("23-lock-across-await");
    let lock = line_of(&source, "self.values.lock().await");
    let load = line_of(&source, "(self.loader)(key, self).await");
    let output = grader(&["23", "--format", "json"]).output().unwrap();
    let report = json_of(&output);
    let message = test(
        &report,
        "23-lock-across-await",
        "grading::a_loader_can_get_other_keys_through_the_cache",
    )["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("Where it was waiting when the test gave up"),
        "{message}"
    );
    assert!(
        message.contains(&format!("waiting at src/lib.rs:{lock}")),
        "{message}"
    );
    assert!(message.contains("on tokio::sync::Mutex::lock"), "{message}");
    assert!(
        message.contains(&format!("inside the `.await` at src/lib.rs:{load}")),
        "{message}"
    );
}

#[test]
fn a_task_that_never_ends_is_listed_at_the_line_it_waits_on() {
    // An actor that keeps a sender to its own mailbox never sees the
    // channel close: its task waits on `recv()` forever.
    let source = wrong("12-actor-handle", "actor_keeps_its_own_sender");
    let recv = line_of(&source, "recv().await");
    let report = grade_variant("12-actor-handle", source);
    let hung: Vec<String> = kata(&report, "12-actor-handle")["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["message"].as_str())
        .filter(|m| m.contains("never finished"))
        .map(str::to_string)
        .collect();
    assert!(!hung.is_empty(), "{report}");
    for message in hung {
        assert!(
            message.contains("  task ")
                && message.contains(&format!("waiting at src/lib.rs:{recv}"))
                && message.contains("on a tokio::sync::mpsc channel"),
            "{message}"
        );
    }
}
