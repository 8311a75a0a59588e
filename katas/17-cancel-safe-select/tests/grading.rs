//! Grading tests for kata 17: make a `select!` loop cancel safe.
//!
//! `frames` reads from a `tokio_test::io::Builder` mock that follows a
//! script: `read` steps hand out bytes, `wait` steps make the next read wait
//! (on tokio's clock), `read_error` steps fail the next read. The clock is
//! paused, so the ticker and the waits interleave at exact virtual times,
//! the same way on every run.

use std::io;
use std::time::Duration;

use kata_17_cancel_safe_select::{frames, Received};
use kata_support::{fmt_duration, ms, no_hang, Stopwatch};
use tokio_test::io::{Builder, Mock};

/// One step of the mock stream's script.
#[derive(Clone, Copy)]
enum Step {
    Read(&'static str),
    Wait(u64),
    Fail(io::ErrorKind),
}

use Step::{Fail, Read, Wait};

fn describe(script: &[Step]) -> String {
    let steps: Vec<String> = script
        .iter()
        .map(|step| match step {
            Read(text) => format!("{text:?}"),
            Wait(millis) => format!("wait {}", fmt_duration(ms(*millis))),
            Fail(kind) => format!("a {kind:?} error"),
        })
        .collect();
    let end = if matches!(script.last(), Some(Fail(_))) {
        ""
    } else {
        ", end"
    };
    format!("[{}{end}]", steps.join(", "))
}

fn mock(script: &[Step]) -> Mock {
    let mut builder = Builder::new();
    for step in script {
        match *step {
            Read(text) => builder.read(text.as_bytes()),
            Wait(millis) => builder.wait(ms(millis)),
            Fail(kind) => builder.read_error(io::Error::new(kind, "the mock stream failed")),
        };
    }
    builder.build()
}

/// What one call of `frames` did. The mock is kept until the end of the
/// test, so that the test's own messages come first if something is wrong.
struct Run {
    what: String,
    received: Received,
    elapsed: Duration,
    _stream: Mock,
}

async fn run(script: &[Step], tick: u64) -> Run {
    let what = format!(
        "frames(a stream {}, tick {})",
        describe(script),
        fmt_duration(ms(tick))
    );
    let mut stream = mock(script);
    let watch = Stopwatch::start();
    let received = no_hang(&what, frames(&mut stream, ms(tick))).await;
    Run {
        elapsed: watch.elapsed(),
        what,
        received,
        _stream: stream,
    }
}

const WHY_BYTES_GO_MISSING: &str =
    "Missing or shifted frames mean bytes were read and then thrown \
     away. Every time the ticker's branch wins, select! drops the other branch's future. \
     `read_exact` keeps the bytes it has read so far inside that future (and so does an \
     `async` block of your own that loops over `read`), so they are lost with it. Keep the \
     bytes read so far in a buffer declared outside the loop, read with `read` or \
     `read_buf` (cancel safe: when they lose, they have read nothing), and cut 5-byte \
     frames off that buffer after each read.";

impl Run {
    #[track_caller]
    fn assert_frames(&self, expected: &[&str]) {
        assert_eq!(
            self.received.frames, expected,
            "{} returned the frames {:?}, expected {:?}.\n{}",
            self.what, self.received.frames, expected, WHY_BYTES_GO_MISSING
        );
    }

    #[track_caller]
    fn assert_ticks(&self, expected: u32, at: &str) {
        assert_eq!(
            self.received.ticks, expected,
            "{} handled {} tick(s), expected {expected} (at {at}).\n\
             The ticker must keep ticking while a frame is incomplete: that is what the \
             select! is for. 0 ticks: the ticker's branch was removed. Fewer than expected: \
             the timer starts over in every iteration (a `sleep(tick)` written inside the \
             select! is a new timer each time round, and every read resets it); keep the \
             one `Interval` created before the loop and call `tick()` on it.",
            self.what, self.received.ticks
        );
    }

    #[track_caller]
    fn assert_returned_at(&self, at: u64) {
        assert_eq!(
            self.elapsed,
            ms(at),
            "{} returned after {} of virtual time, expected exactly {}: when the stream \
             ends (a read of 0 bytes, or an error), frames returns at once.",
            self.what,
            fmt_duration(self.elapsed),
            fmt_duration(ms(at))
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_frame_split_by_a_tick_is_not_lost() {
    // "HEL" at 0ms, "LOWOR" at 150ms, "LD" at 270ms; ticks at 0, 100, 200ms.
    // The tick at 100ms arrives while only "HEL" of the first frame is there.
    let run = run(
        &[Read("HEL"), Wait(150), Read("LOWOR"), Wait(120), Read("LD")],
        100,
    )
    .await;
    run.assert_frames(&["HELLO", "WORLD"]);
    run.assert_returned_at(270);
    assert_eq!(
        run.received.error, None,
        "{} ended cleanly, but error is {:?}: error is only for a read that failed.",
        run.what, run.received.error
    );
}

#[tokio::test(start_paused = true)]
async fn whole_frames_are_read_in_order() {
    let run = run(&[Read("HELLOWORLD"), Read("ABCDE")], 100).await;
    run.assert_frames(&["HELLO", "WORLD", "ABCDE"]);
    run.assert_returned_at(0);
}

#[tokio::test(start_paused = true)]
async fn a_read_error_ends_the_stream_after_the_frames_so_far() {
    // "HELLO" at 0ms, "WOR" at 230ms, "LD" and then the error at 460ms;
    // ticks at 0, 100, 200, 300, 400ms.
    let run = run(
        &[
            Read("HELLO"),
            Wait(230),
            Read("WOR"),
            Wait(230),
            Read("LD"),
            Fail(io::ErrorKind::ConnectionReset),
        ],
        100,
    )
    .await;
    run.assert_frames(&["HELLO", "WORLD"]);
    assert_eq!(
        run.received.error,
        Some(io::ErrorKind::ConnectionReset),
        "{} returned error {:?}, expected Some(ConnectionReset): a read error ends the \
         stream, and its kind is recorded in Received::error.",
        run.what,
        run.received.error
    );
    run.assert_ticks(5, "0, 100, 200, 300 and 400ms");
    run.assert_returned_at(460);
}

#[tokio::test(start_paused = true)]
async fn the_ticker_keeps_ticking_while_a_frame_trickles_in() {
    // One byte every 40ms, from 0ms to 160ms; ticks at 0, 50, 100, 150ms.
    let run = run(
        &[
            Read("S"),
            Wait(40),
            Read("L"),
            Wait(40),
            Read("O"),
            Wait(40),
            Read("W"),
            Wait(40),
            Read("!"),
        ],
        50,
    )
    .await;
    run.assert_frames(&["SLOW!"]);
    run.assert_ticks(4, "0, 50, 100 and 150ms");
    run.assert_returned_at(160);
}

#[tokio::test(start_paused = true)]
async fn an_incomplete_last_frame_is_dropped() {
    let run = run(&[Read("HELLOWO")], 100).await;
    assert_eq!(
        run.received.frames,
        ["HELLO"],
        "{} returned the frames {:?}, expected [\"HELLO\"]: the 2 bytes after it are not \
         a whole frame, and the stream ends there, so they are dropped.",
        run.what,
        run.received.frames
    );
    run.assert_returned_at(0);
}
