//! Grading tests for kata 17: make a `select!` loop cancel safe.
//!
//! `frames` reads from a `tokio_test::io::Builder` mock that follows a
//! script: `read` steps hand out bytes, `wait` steps make the next read wait
//! (on tokio's clock), `read_error` steps fail the next read. The clock is
//! paused, so the ticker and the waits interleave at exact virtual times,
//! the same way on every run.
//!
//! Inputs are seeded: frames of random letters, split into pieces of 1 to 7
//! bytes (now and then 8 to 17: two or three frames in one read) at random places (a frame in pieces, several frames in one read),
//! with odd waits between some of the pieces, so that ticks land in the
//! middle of frames; ticks of odd periods; streams that end cleanly or with
//! an error of a random kind, after a partial frame or not. No stream ends
//! at the instant of a tick, so the number of ticks is exact.
//!
//! | mistake a learner makes                                              | the test that catches it |
//! |----------------------------------------------------------------------|--------------------------|
//! | `read_exact` in the `select!`: bytes lost when the tick wins mid-frame | `a_frame_split_by_a_tick_is_not_lost`, `frames_survive_any_split` |
//! | a partial frame kept inside the branch's own `async` block            | `a_frame_split_by_a_tick_is_not_lost`, `frames_survive_any_split` |
//! | each read taken as one frame (reads are not frames)                   | `frames_survive_any_split` |
//! | at most one frame cut off per read (`if` instead of `while`): a read that completes two frames leaves a backlog, lost at the end | `frames_survive_any_split` |
//! | the partial frame kept outside, but cleared on every tick             | `frames_survive_any_split` |
//! | the ticker's branch removed to "fix" the loss                          | `the_ticker_keeps_ticking_while_a_frame_trickles_in`, `every_tick_is_handled_while_frames_trickle_in` |
//! | `sleep(tick)` inside the `select!`: a new timer each time round, reset by every read | `the_ticker_keeps_ticking_while_a_frame_trickles_in`, `every_tick_is_handled_while_frames_trickle_in` |
//! | the first tick skipped (`interval_at(now + tick)`, a sleep-based ticker) | `every_tick_is_handled_while_frames_trickle_in` |
//! | a read error taken as a clean end, or its kind lost                    | `a_read_error_ends_the_stream_after_the_frames_so_far` |
//! | the read wrapped in a short `timeout` (or another polling loop) that wakes between ticks | `waiting_for_data_wakes_only_for_its_ticks` |
//! | a "default" branch that yields, always ready: the loop spins instead of waiting | `waiting_for_data_wakes_only_for_its_ticks` (and every test, through `no_spin`) |
//! | a ticker spawned as a task and left running (after returning, or when the caller drops `frames`) | `frames_survive_any_split`, `dropping_frames_stops_everything` |

use std::io;
use std::time::Duration;

use kata_17_cancel_safe_select::{FRAME_LEN, Received, frames};
use kata_support::no_blocking;
use kata_support::no_spin;
use kata_support::{
    ONE_TIMER, Rng, Stopwatch, Wakeups, assert_no_leaked_tasks, assert_nothing_left_running,
    cancel_after, fmt_duration, for_each_seed, ms, no_hang,
};
use tokio::io::AsyncWriteExt;
use tokio_test::io::{Builder, Mock};

/// One step of the mock stream's script.
#[derive(Clone)]
enum Step {
    Read(String),
    Wait(u64),
    Fail(io::ErrorKind),
}

use Step::{Fail, Read, Wait};

fn read(text: &str) -> Step {
    Read(text.to_string())
}

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
        match step {
            Read(text) => builder.read(text.as_bytes()),
            Wait(millis) => builder.wait(ms(*millis)),
            Fail(kind) => builder.read_error(io::Error::new(*kind, "the mock stream failed")),
        };
    }
    builder.build()
}

/// What a script should give: the complete frames, the error, when the
/// stream ends, and how many ticks of `tick` fall before that.
struct Expected {
    frames: Vec<String>,
    error: Option<io::ErrorKind>,
    ends_at: u64,
    ticks: u32,
}

fn expected(script: &[Step], tick: u64) -> Expected {
    let mut bytes = String::new();
    let mut ends_at = 0;
    let mut error = None;
    for step in script {
        match step {
            Read(text) => bytes.push_str(text),
            Wait(millis) => ends_at += millis,
            Fail(kind) => error = Some(*kind),
        }
    }
    let frames = bytes
        .as_bytes()
        .chunks_exact(FRAME_LEN)
        .map(|frame| String::from_utf8_lossy(frame).into_owned())
        .collect();
    assert!(
        ends_at % tick != 0,
        "test bug: a stream must not end at the instant of a tick"
    );
    // Ticks at 0, tick, 2 × tick, ... before the end.
    let ticks = (ends_at / tick + 1) as u32;
    Expected {
        frames,
        error,
        ends_at,
        ticks,
    }
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
    let received = no_hang(
        &what,
        no_blocking(&what, no_spin(&what, frames(&mut stream, ms(tick)))),
    )
    .await;
    Run {
        elapsed: watch.elapsed(),
        what,
        received,
        _stream: stream,
    }
}

const WHY_BYTES_GO_MISSING: &str = "Missing or shifted frames mean bytes were read and then thrown \
     away. Every time the ticker's branch wins, select! drops the other branch's future. \
     `read_exact` keeps the bytes it has read so far inside that future (and so does an \
     `async` block of your own that loops over `read`), so they are lost with it. Keep the \
     bytes read so far in a buffer declared outside the loop, read with `read` or \
     `read_buf` (cancel safe: when they lose, they have read nothing), and cut 5-byte \
     frames off that buffer after each read: a read may bring part of a frame, or several.";

impl Run {
    #[track_caller]
    fn assert_frames(&self, expected: &[String]) {
        assert_eq!(
            self.received.frames, expected,
            "{} returned the frames {:?}, expected {:?}.\n{}",
            self.what, self.received.frames, expected, WHY_BYTES_GO_MISSING
        );
    }

    #[track_caller]
    fn assert_ticks(&self, expected: u32, tick: u64, ends_at: u64) {
        assert_eq!(
            self.received.ticks,
            expected,
            "{} handled {} tick(s), expected {expected}: the stream ends at {}, and an \
             interval of {} ticks at once (0ms), then every {}.\n\
             The ticker must keep ticking while a frame is incomplete: that is what the \
             select! is for. 0 ticks: the ticker's branch was removed. Fewer than expected: \
             the first tick was skipped, or the timer starts over in every iteration (a \
             `sleep(tick)` written inside the select! is a new timer each time round, and \
             every read resets it); keep the one `Interval` created before the loop and call \
             `tick()` on it.",
            self.what,
            self.received.ticks,
            fmt_duration(ms(ends_at)),
            fmt_duration(ms(tick)),
            fmt_duration(ms(tick))
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

    #[track_caller]
    fn assert_error(&self, expected: Option<io::ErrorKind>) {
        assert_eq!(
            self.received.error, expected,
            "{} returned error {:?}, expected {expected:?}: a read error ends the stream and \
             its kind is recorded in Received::error (the frames completed before it are \
             kept); a clean end (a read of 0 bytes) leaves error at None.",
            self.what, self.received.error
        );
    }
}

/// A seeded script: 1 to 8 frames of letters and 0 to 4 bytes more, cut
/// into pieces of 1 to 7 bytes (a quarter of them 8 to 17), with odd waits before some of them; it ends
/// cleanly, or with an error if `fail`. Returns it with its tick.
fn seeded_script(rng: &mut Rng, fail: bool) -> (Vec<Step>, u64) {
    let frames = rng.range(1, 8) as usize;
    let len = frames * FRAME_LEN + rng.range(0, FRAME_LEN as u64 - 1) as usize;
    let text: String = (0..len)
        .map(|_| char::from(b'A' + rng.below(26) as u8))
        .collect();
    let tick = rng.odd_ms(17, 199);
    let mut script = Vec::new();
    let mut at = 0;
    let mut rest = text.as_str();
    while !rest.is_empty() {
        // Mostly 1 to 7 bytes; now and then 8 to 17, so that one read
        // completes two or three frames at once.
        let size = if rng.chance(1, 4) {
            rng.range(8, 17)
        } else {
            rng.range(1, 7)
        };
        let piece = (size as usize).min(rest.len());
        if rng.chance(2, 3) {
            let wait = rng.odd_ms(3, 300);
            script.push(Wait(wait));
            at += wait;
        }
        script.push(read(&rest[..piece]));
        rest = &rest[piece..];
    }
    // The end (or the error) comes after a last wait, never on a tick.
    let mut wait = rng.odd_ms(3, 150);
    while (at + wait).is_multiple_of(tick) {
        wait += 2;
    }
    script.push(Wait(wait));
    if fail {
        let kinds = [
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::BrokenPipe,
            io::ErrorKind::TimedOut,
            io::ErrorKind::ConnectionAborted,
            io::ErrorKind::InvalidData,
            io::ErrorKind::Other,
        ];
        script.push(Fail(*rng.pick(&kinds)));
    }
    (script, tick)
}

#[tokio::test(start_paused = true)]
async fn a_frame_split_by_a_tick_is_not_lost() {
    // "HEL" at 0ms, "LOWOR" at 151ms, "LD" at 270ms; ticks at 0, 101, 202ms.
    // The tick at 101ms arrives while only "HEL" of the first frame is there.
    let script = [
        read("HEL"),
        Wait(151),
        read("LOWOR"),
        Wait(119),
        read("LD"),
        Wait(3),
    ];
    let run = run(&script, 101).await;
    run.assert_frames(&["HELLO".to_string(), "WORLD".to_string()]);
    run.assert_returned_at(273);
    run.assert_error(None);
}

#[tokio::test(start_paused = true)]
async fn frames_survive_any_split() {
    for_each_seed(64, |mut rng| async move {
        let (script, tick) = seeded_script(&mut rng, false);
        let expected = expected(&script, tick);
        let run = run(&script, tick).await;
        run.assert_frames(&expected.frames);
        run.assert_error(None);
        run.assert_returned_at(expected.ends_at);
        assert_no_leaked_tasks(&format!("{} returned", run.what)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn every_tick_is_handled_while_frames_trickle_in() {
    for_each_seed(64, |mut rng| async move {
        let fail = rng.chance(1, 3);
        let (script, tick) = seeded_script(&mut rng, fail);
        let expected = expected(&script, tick);
        let run = run(&script, tick).await;
        run.assert_ticks(expected.ticks, tick, expected.ends_at);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_ticker_keeps_ticking_while_a_frame_trickles_in() {
    // One byte every 41ms, from 0ms to 164ms; ticks at 0, 53, 106, 159ms.
    let script = [
        read("S"),
        Wait(41),
        read("L"),
        Wait(41),
        read("O"),
        Wait(41),
        read("W"),
        Wait(41),
        read("!"),
    ];
    let run = run(&script, 53).await;
    run.assert_frames(&["SLOW!".to_string()]);
    run.assert_ticks(4, 53, 164);
    run.assert_returned_at(164);
}

#[tokio::test(start_paused = true)]
async fn a_read_error_ends_the_stream_after_the_frames_so_far() {
    // The example first: "HELLO", "WOR" at 231ms, "LD" and a ConnectionReset
    // at 463ms (ticks at 0, 101, 202, 303, 404ms).
    let script = [
        read("HELLO"),
        Wait(231),
        read("WOR"),
        Wait(232),
        read("LD"),
        Fail(io::ErrorKind::ConnectionReset),
    ];
    let example = run(&script, 101).await;
    example.assert_frames(&["HELLO".to_string(), "WORLD".to_string()]);
    example.assert_error(Some(io::ErrorKind::ConnectionReset));
    example.assert_ticks(5, 101, 463);
    example.assert_returned_at(463);

    for_each_seed(32, |mut rng| async move {
        let (script, tick) = seeded_script(&mut rng, true);
        let expected = expected(&script, tick);
        let run = run(&script, tick).await;
        run.assert_error(expected.error);
        run.assert_frames(&expected.frames);
        run.assert_returned_at(expected.ends_at);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn waiting_for_data_wakes_only_for_its_ticks() {
    // "HELLO", then nothing for 50 seconds, then "WORLD"; a tick every
    // 1009ms. While the stream is silent, the runtime may wake for the
    // ticks, and for nothing else.
    let script = [read("HELLO"), Wait(50_003), read("WORLD")];
    let what = "frames(a stream [\"HELLO\", wait 50003ms, \"WORLD\", end], tick 1009ms)";

    // What 40 seconds of an interval of 1009ms cost by themselves: a timer a
    // second away wakes tokio's timer wheel more than once on its way.
    let ticking = {
        let mut ticker = tokio::time::interval(ms(1009));
        let wakeups = Wakeups::start();
        let _ = tokio::time::timeout(ms(40_000), async {
            loop {
                ticker.tick().await;
            }
        })
        .await;
        wakeups.count()
    };

    let mut stream = mock(&script);
    let call = no_spin(what, frames(&mut stream, ms(1009)));
    let (received, ()) = tokio::join!(no_hang(what, call), async {
        tokio::time::sleep(ms(1)).await;
        // 40 seconds: the ticks, and the wait's own timer, which may cost the
        // wheel a few wake-ups.
        let wakeups = Wakeups::start();
        tokio::time::sleep(ms(40_000)).await;
        wakeups.assert_at_most(
            ticking + 2 * ONE_TIMER,
            ms(40_000),
            &format!("{what} waited"),
        );
        // And no fewer than the ticks: 39 of them fall in those 40 seconds,
        // each handled as it comes (the heartbeat), so each wakes the runtime.
        let woke = wakeups.count();
        assert!(
            woke >= 39,
            "while {what} waited 40s of silence, the runtime woke only {woke} times: the \
             39 ticks of the interval in that time were not handled as they came. A tick \
             is a heartbeat, sent while the stream is silent: keep the ticker's branch in \
             the select! and count each tick there, do not work the count out afterwards."
        );
    });
    assert_eq!(
        received.frames,
        ["HELLO", "WORLD"],
        "{what} returned the frames {:?}",
        received.frames
    );
    drop(stream);
    assert_no_leaked_tasks(&format!("{what} returned")).await;
}

#[tokio::test(start_paused = true)]
async fn dropping_frames_stops_everything() {
    for_each_seed(16, |mut rng| async move {
        let (script, tick) = seeded_script(&mut rng, false);
        let ends_at = expected(&script, tick).ends_at;
        let drop_at = rng.odd_ms(1, ends_at.max(7) - 1).min(ends_at - 1);
        let what = format!(
            "frames(a stream {}, tick {}), dropped by its caller after {}",
            describe(&script),
            fmt_duration(ms(tick)),
            fmt_duration(ms(drop_at))
        );
        // A real in-memory pipe this time (the mock would complain about the
        // script it never got to the end of): the test writes the script
        // into one end, frames reads the other.
        let (mut client, mut server) = tokio::io::duplex(64);
        let writer = tokio::spawn(async move {
            for step in script {
                match step {
                    Read(text) => client.write_all(text.as_bytes()).await.unwrap(),
                    Wait(millis) => tokio::time::sleep(ms(millis)).await,
                    Fail(_) => unreachable!("the script ends cleanly"),
                }
            }
            client
        });
        let outcome =
            cancel_after(ms(drop_at), no_spin(&what, frames(&mut server, ms(tick)))).await;
        assert!(
            outcome.is_none(),
            "{what}: it returned {outcome:?} before the stream ended at {}.",
            fmt_duration(ms(ends_at))
        );
        writer.abort();
        let _ = writer.await;
        drop(server);
        assert_nothing_left_running(&what, ms(60_000)).await;
    })
    .await;
}
