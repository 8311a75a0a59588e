//! Reading a test's output for what went wrong.
//!
//! libtest, tokio, insta and trybuild each say what happened in their own
//! words, mixed into one stream of output: panics with their locations,
//! snapshot diffs, compile errors of a compile-fail case, a crash signal.
//! These parsers pull each out, so that [`super::grade`] can say it to a
//! learner in one message. They are pure functions of text.

/// libtest's deprecation notice for `--logfile` is ours, not the learner's.
pub fn clean_stderr(stderr: &str) -> String {
    stderr.replace("warning: `--logfile` is deprecated", "")
}

/// Tools that colour their output anyway (trybuild does) must not leave
/// escape codes in messages, JSON or a NO_COLOR terminal.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The line a failing test prints its timeline on (kata-support's
/// `TIMELINE_MARKER`), followed by the timeline as JSON.
pub const TIMELINE_MARKER: &str = "tokio-katas timeline: ";

/// The line kata-support's watchdog prints, shortly before the test's
/// wall-clock limit, with where each thread in the learner's code was.
pub const STUCK_MARKER: &str = "tokio-katas stuck: ";

/// The payloads of the lines that start with `marker`, and the output
/// without those lines: they are for the grader, not for reading.
fn take_marked(output: &str, marker: &str) -> (Vec<String>, String) {
    let mut payloads = Vec::new();
    let mut rest = String::with_capacity(output.len());
    for line in output.split_inclusive('\n') {
        match line.strip_prefix(marker) {
            Some(payload) => payloads.push(payload.trim_end().to_string()),
            None => rest.push_str(line),
        }
    }
    (payloads, rest)
}

/// The test's timeline (the last one it printed: a panic the test caught
/// on purpose may have printed one before the failure), and the output
/// without the timeline lines.
pub fn take_timeline(stderr: &str) -> (Option<crate::verdict::Timeline>, String) {
    let (payloads, rest) = take_marked(stderr, TIMELINE_MARKER);
    let timeline = payloads
        .iter()
        .rev()
        .find_map(|json| serde_json::from_str(json).ok());
    (timeline, rest)
}

/// Where one of the test's threads was when the watchdog looked.
#[derive(Debug, serde::Deserialize)]
pub struct StuckPlace {
    pub thread: String,
    /// The learner's frames, innermost first: `src/lib.rs:37 in `f`: `code``.
    pub frames: Vec<String>,
    /// The blocking call inside the learner's code, if any.
    pub inside: Option<String>,
    /// What usually makes it block.
    pub meaning: String,
}

/// Where the watchdog found the test's threads in the learner's code, and
/// the output without its line.
pub fn take_stuck(stderr: &str) -> (Vec<StuckPlace>, String) {
    let (payloads, rest) = take_marked(stderr, STUCK_MARKER);
    let places = payloads
        .iter()
        .rev()
        .find_map(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    (places, rest)
}

/// What a timed-out test's message adds: where its threads were stuck.
pub fn stuck_message(places: &[StuckPlace]) -> Option<String> {
    let first = places.first()?;
    let mut text = String::from("\nWhere your code was when the limit came near:");
    for place in places {
        let Some(innermost) = place.frames.first() else {
            continue;
        };
        let at = match &place.inside {
            Some(inside) => format!("in `{inside}`, called at {innermost}"),
            None => format!("at {innermost}"),
        };
        match places.len() {
            1 => text.push_str(&format!("\n  {at}")),
            // Several: say which is which (a thread's name as the system
            // keeps it, cut at 15 characters).
            _ => text.push_str(&format!("\n  thread `{}`: {at}", place.thread)),
        }
        for outer in &place.frames[1..] {
            text.push_str(&format!("\n    called from {outer}"));
        }
    }
    text.push_str(&format!("\n{}", first.meaning));
    Some(text)
}

#[derive(Debug, PartialEq)]
pub struct Panic {
    pub location: String,
    pub message: String,
}

/// Every `thread '…' panicked at LOCATION:\nMESSAGE` block in the output.
pub fn panics(stderr: &str) -> Vec<Panic> {
    let mut found = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        // `thread 'name' (id) panicked at src/lib.rs:4:5:` (the id is new in 1.9x).
        let Some(at) = line
            .find(" panicked at ")
            .filter(|_| line.starts_with("thread '"))
        else {
            continue;
        };
        // Windows' rustc writes `src\lib.rs`: every learner reads `src/lib.rs`.
        let location = line[at + " panicked at ".len()..]
            .trim_end_matches(':')
            .replace('\\', "/");
        // Older formats put the message on the same line after a comma.
        let mut message = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("note: run with `RUST_BACKTRACE")
                || next.starts_with("stack backtrace:")
                || (next.starts_with("thread '") && next.contains(" panicked at "))
            {
                break;
            }
            message.push(*next);
            lines.next();
        }
        found.push(Panic {
            location,
            message: message.join("\n").trim_end().to_string(),
        });
    }
    found
}

/// Output that makes a test's "ok" worth nothing: a trybuild suite whose
/// file pattern matched no case compiled nothing, and says so ("There are
/// no trybuild tests enabled yet."; the capital has varied by version).
pub fn hollow_pass(output: &str) -> bool {
    output
        .to_ascii_lowercase()
        .contains("there are no trybuild tests enabled yet")
}

pub fn panic_message(panics: &[Panic], stdout: &str, stderr: &str) -> String {
    // The first panic is the cause; later ones are usually the test noticing
    // (a JoinError from a task that panicked first).
    let first = &panics[0];
    if first.message.starts_with("not yet implemented") {
        return format!(
            "reached a `todo!()` at {}: this part of the kata is not written yet.",
            first.location
        );
    }
    let mut message = plain_assertion(&first.message);
    if let Some(meaning) = overflow_meaning(&first.message) {
        // std raises these: its own file and line mean nothing to a learner.
        let place = if first.location.starts_with("/rustc/") {
            "inside the standard library".to_string()
        } else {
            format!("at {}", first.location)
        };
        // Before the seed's replay line, which kata-support adds to the panic.
        let (what, replay) = match message.find("\n\nThis case was generated from seed") {
            Some(at) => message.split_at(at),
            None => (message.as_str(), ""),
        };
        message = format!("the code panicked {place}: {what}\n{meaning}{replay}");
    }
    if let Some(diff) = insta_diff(&format!("{stdout}\n{stderr}")) {
        message = format!(
            "{message}\nThe snapshot holds the expected result and your code's differs: \
             lines marked - are expected (old snapshot), + are what your code produced (new results).\n{diff}"
        );
    } else if let Some(report) = trybuild_report(stdout, stderr) {
        message = format!("{message}\n{report}");
    }
    if panics.len() > 1 {
        message.push_str(&format!(
            "\n(then {} more panic(s); the first one is usually the cause)",
            panics.len() - 1
        ));
    }
    message
}

/// Panics raised by arithmetic, which name no line of the learner's code (the
/// standard library raises them) and no cause: what usually causes them in
/// a kata about time.
fn overflow_meaning(message: &str) -> Option<&'static str> {
    let message = message.trim_start();
    if message.starts_with("overflow when subtracting durations")
        || message.starts_with("attempt to subtract with overflow")
    {
        return Some(
            "A subtraction went below zero: a time left (`deadline - now`, `limit - elapsed`) \
             computed after the moment had already passed. Use `saturating_sub`, \
             `checked_sub` or `deadline.saturating_duration_since(now)`, and handle the zero.",
        );
    }
    let overflows = [
        "overflow when adding duration",
        "overflow when multiplying duration",
        "attempt to add with overflow",
        "attempt to multiply with overflow",
        "attempt to shift left with overflow",
    ];
    overflows.iter().any(|o| message.starts_with(o)).then_some(
        "A number or a Duration grew past what its type holds. In these katas that is nearly \
         always a loop that ran on longer than it should (a retry loop whose stopping check \
         never held, doubling its delay each round), or a delay computed with a power or a \
         shift that overflows after a few dozen rounds (keep a running Duration and double \
         it, capped, or use `checked_mul`/`saturating_mul`).",
    )
}

/// `assert_eq!`'s "assertion `left == right` failed: " speaks of the test's
/// code, not of the learner's: the test's own message comes first, and
/// the `left:`/`right:` values stay below it.
pub fn plain_assertion(message: &str) -> String {
    for (op, meaning) in [
        ("==", "two values that should be equal differ"),
        ("!=", "two values that should differ are equal"),
    ] {
        let prefix = format!("assertion `left {op} right` failed");
        if let Some(rest) = message.strip_prefix(&prefix) {
            return match rest.strip_prefix(": ") {
                Some(own) => own.to_string(),
                None => format!("{meaning}{rest}"),
            };
        }
    }
    message.to_string()
}

/// insta prints a summary of a failed snapshot (its description and a
/// diff) on stdout before it panics; that diff is the feedback.
pub fn insta_diff(output: &str) -> Option<String> {
    let start = output.find("Snapshot Summary")?;
    let block = &output[start..];
    let lines: Vec<&str> = block
        .lines()
        .skip(1)
        .take_while(|l| {
            !(l.starts_with("Stopped on the first failure")
                || l.starts_with("To update snapshots")
                || l.starts_with("FAILED")
                || l.starts_with("failures:")
                || l.starts_with("thread '"))
        })
        .filter(|l| !l.trim().is_empty())
        .collect();
    Some(lines.join("\n"))
}

/// trybuild prints which compile checks mismatched, with both outputs.
pub fn trybuild_report(stdout: &str, stderr: &str) -> Option<String> {
    for text in [stderr, stdout] {
        if let Some(start) = text.find("\ntest tests/") {
            let block = &text[start + 1..];
            let end = block.find("\nthread '").unwrap_or(block.len());
            return Some(block[..end].trim_end().to_string());
        }
    }
    None
}

pub fn crash_message(signal: i32, stderr: &str) -> String {
    if let Some(message) = super::limits::out_of_memory(stderr) {
        return message;
    }
    if stderr.contains("has overflowed its stack") {
        return "the test overflowed its stack and the process was aborted. This is runaway \
                recursion: a function that calls itself without end, or a huge value on the stack."
            .to_string();
    }
    crate::platform::crash_description(signal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_panic_with_its_message() {
        let stderr = "\nrunning 1 test\nthread 'a' (123) panicked at src/lib.rs:4:5:\nboom\nsecond line\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                      thread 'a' (123) panicked at tests/grading.rs:9:1:\ncalled `Result::unwrap()`\n";
        assert_eq!(
            panics(stderr),
            vec![
                Panic {
                    location: "src/lib.rs:4:5".into(),
                    message: "boom\nsecond line".into()
                },
                Panic {
                    location: "tests/grading.rs:9:1".into(),
                    message: "called `Result::unwrap()`".into()
                },
            ]
        );
    }

    #[test]
    fn an_overflow_says_what_usually_causes_it() {
        let found = panics(
            "thread 'x' panicked at /rustc/abc/library/std/src/time.rs:417:33:\n\
             overflow when adding duration to instant\n",
        );
        let message = panic_message(&found, "", "");
        assert!(
            message.starts_with(
                "the code panicked inside the standard library: overflow when adding duration \
                 to instant"
            ),
            "{message}"
        );
        assert!(
            message.contains("retry loop whose stopping check"),
            "{message}"
        );
        let found =
            panics("thread 'x' panicked at src/lib.rs:9:5:\nattempt to subtract with overflow\n");
        assert!(panic_message(&found, "", "").contains("saturating_duration_since"));
        // A test's own assertion is not an overflow.
        let found = panics("thread 'x' panicked at tests/grading.rs:9:5:\nexpected 3 attempts\n");
        assert_eq!(panic_message(&found, "", ""), "expected 3 attempts");
    }

    #[test]
    fn a_windows_location_reads_like_any_other() {
        let found = panics("thread 'x' panicked at src\\lib.rs:12:5:\nboom\n");
        assert_eq!(found[0].location, "src/lib.rs:12:5");
    }

    #[test]
    fn a_todo_is_named_as_such() {
        let found = panics(
            "thread 'x' panicked at katas/07-timeout/src/lib.rs:12:5:\nnot yet implemented\n",
        );
        let message = panic_message(&found, "", "");
        assert_eq!(
            message,
            "reached a `todo!()` at katas/07-timeout/src/lib.rs:12:5: this part of the kata is not written yet."
        );
    }

    #[test]
    fn an_assertion_speaks_with_the_test_s_own_words() {
        assert_eq!(
            plain_assertion(
                "assertion `left == right` failed: took 800ms, expected 500ms\n  left: 800\n right: 500"
            ),
            "took 800ms, expected 500ms\n  left: 800\n right: 500"
        );
        assert_eq!(
            plain_assertion("assertion `left == right` failed\n  left: 1\n right: 2"),
            "two values that should be equal differ\n  left: 1\n right: 2"
        );
        assert_eq!(
            plain_assertion("assertion failed: x > 1"),
            "assertion failed: x > 1"
        );
    }

    #[test]
    fn a_snapshot_failure_shows_insta_s_diff() {
        let stdout = "test x ... ━━━ Snapshot Summary ━━━\nSnapshot: results\n-old snapshot\n+new results\n\
                      1 │-a\n1 │+b\nStopped on the first failure. Run `cargo insta test` to run all snapshots.\nFAILED\n";
        let diff = insta_diff(stdout).unwrap();
        assert_eq!(
            diff,
            "Snapshot: results\n-old snapshot\n+new results\n1 │-a\n1 │+b"
        );
    }

    #[test]
    fn escape_codes_are_stripped() {
        assert_eq!(
            strip_ansi("test \u{1b}[0m\u{1b}[1mtests/x.rs\u{1b}[0m ... \u{1b}[1m\u{1b}[31merror"),
            "test tests/x.rs ... error"
        );
    }

    #[test]
    fn a_stack_overflow_is_explained() {
        let message = crash_message(6, "thread 'x' has overflowed its stack\n");
        assert!(message.contains("overflowed its stack"));
    }
}
