//! Grading tests for kata 30: tracing spans.
//!
//! Each test installs a `tracing_subscriber::fmt` subscriber that writes
//! plain lines into a buffer: no colours, no thread ids, no wall-clock
//! timestamps. Instead of a timestamp, every line starts with the tokio
//! clock's *virtual* time since the test began, so the log is exactly the
//! same on every run and can be compared with a snapshot. A line reads
//!
//! ```text
//!    20ms  INFO request{id=7 user=ann}:fetch{item=2}: found price=200
//! ```
//!
//! virtual time, level, the spans the event happened in (outermost first),
//! then the message and the event's fields.

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};

use kata_30_tracing_spans::{handle_request, Request};
use kata_support::{ms, no_hang, Stopwatch};
use tokio::time::Instant;
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

/// Everything the test subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_string).collect()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The "timestamp" of each line: virtual milliseconds since the test began.
struct VirtualClock(Instant);

impl FormatTime for VirtualClock {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        write!(w, "{:>5}ms", self.0.elapsed().as_millis())
    }
}

/// Installs the test subscriber on this thread (the current-thread runtime
/// runs every task here too) until the guard is dropped.
fn capture() -> (Captured, DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_target(false)
        .with_timer(VirtualClock(Instant::now()))
        .with_max_level(tracing::Level::INFO)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn request(id: u64, user: &str, items: &[u32]) -> Request {
    Request {
        id,
        user: user.to_string(),
        items: items.to_vec(),
    }
}

/// The spans part of a line: `request{id=7 user=ann}:fetch{item=2}` in
/// `   20ms  INFO request{id=7 user=ann}:fetch{item=2}: found price=200`.
/// Empty when the event happened outside any span.
fn spans_of(line: &str) -> String {
    let after_level = line
        .split_once(" INFO ")
        .map_or(line, |(_, rest)| rest)
        .trim_start();
    match after_level.find(": ") {
        Some(end) if after_level[..end].contains('{') => after_level[..end].to_string(),
        _ => String::new(),
    }
}

/// The message part of a line: `found price=200` in the line above.
fn message_of(line: &str) -> String {
    let after_level = line
        .split_once(" INFO ")
        .map_or(line, |(_, rest)| rest)
        .trim_start();
    let spans = spans_of(line);
    if spans.is_empty() {
        after_level.to_string()
    } else {
        after_level[spans.len() + 2..].to_string()
    }
}

/// What a line whose spans are wrong usually means.
fn why_spans_are_wrong(spans: &str, expected: &str) -> &'static str {
    if spans.matches("request{").count() > 1 {
        "The line is inside two request spans at once: one request's span was still \
         entered while another request ran. That is what a `span.enter()` guard held \
         across an `.await` does: the guard keeps the span entered on the thread while \
         the task is suspended, and whatever runs next on that thread (another request) \
         is logged inside it. Use #[instrument] or `.instrument(span)`, which enter the \
         span only while the future is being polled."
    } else if spans.is_empty() {
        "The line was logged outside every span. For a spawned fetch this means the task \
         does not carry the request's span: a spawned task starts with no span at all, \
         so give its future one before spawning it: \
         tokio::spawn(fetch_price(item).instrument(info_span!(\"fetch\", item))). For \
         `received`/`done` it means handle_request is not running inside its span."
    } else if !spans.starts_with("request{") && expected.starts_with("request{") {
        "The fetch span has no request span above it. A span's parent is whatever span \
         is current when the span is *created*; inside a freshly spawned task nothing is \
         current. Create the fetch span in handle_request (where the request span is \
         current) and pass it in: tokio::spawn(fetch_price(item).instrument(span))."
    } else {
        "Check the span names and fields against README.md: a span `request` with the \
         fields id and user (user by Display: `user = %req.user`) and nothing else \
         (#[instrument(skip_all, ..)] or skip(req), or its Debug is recorded too), and \
         a span `fetch` with the field item."
    }
}

/// Checks that every line of the log has the spans it must have: the
/// request's for `received` and `done`, request + fetch for a fetch's lines.
/// A fetch line belongs to the request whose items include the line's item.
#[track_caller]
fn assert_spans(lines: &[String], requests: &[&Request]) {
    assert!(
        !lines.is_empty(),
        "nothing was logged at all. handle_request must log `received` and `done` with \
         tracing::info!, and fetch_price logs its own lines."
    );
    for line in lines {
        let spans = spans_of(line);
        let message = message_of(line);
        let request_span = |req: &Request| format!("request{{id={} user={}}}", req.id, req.user);
        let expected = if message.starts_with("received") || message.starts_with("done") {
            // Which request? The one whose item count or total matches is
            // ambiguous; the spans say which request it claims to be in.
            requests
                .iter()
                .map(|req| request_span(req))
                .find(|span| spans.ends_with(span.as_str()))
                .unwrap_or_else(|| request_span(requests[0]))
        } else if message.starts_with("looking up") || message.starts_with("found") {
            // Whose fetch is it? The item in the line's fetch span says.
            let item = spans
                .rsplit_once("fetch{item=")
                .and_then(|(_, rest)| rest.split_once('}'))
                .and_then(|(item, _)| item.parse::<u32>().ok());
            let owner = requests
                .iter()
                .find(|req| item.is_some_and(|item| req.items.contains(&item)));
            match (owner, item) {
                (Some(req), Some(item)) => format!("{}:fetch{{item={item}}}", request_span(req)),
                _ if requests.len() == 1 => {
                    format!("{}:fetch{{item=..}}", request_span(requests[0]))
                }
                _ => "request{..}:fetch{item=..}".to_string(),
            }
        } else {
            continue;
        };
        assert_eq!(
            spans,
            expected,
            "this log line is in the wrong spans:\n  {line}\nIts spans are `{spans}`, \
             expected `{expected}`.\n{}",
            why_spans_are_wrong(&spans, &expected)
        );
    }
}

#[tokio::test(start_paused = true)]
async fn one_request_logs_every_line_inside_its_span() {
    let (log, _guard) = capture();
    let watch = Stopwatch::start();
    let total = no_hang(
        "handle_request(7, ann, items [2, 1])",
        handle_request(request(7, "ann", &[2, 1])),
    )
    .await;
    let report = format!(
        "{}handle_request returned {total} after {}ms\n",
        log.text(),
        watch.elapsed_ms()
    );
    insta::with_settings!({
        description => "The log of handle_request(Request { id: 7, user: \"ann\", items: \
            [2, 1] }), one line per event: virtual time, level, spans, message and fields. \
            Every line is inside request{id=7 user=ann}; each fetch's lines are also inside \
            its fetch{item=N} span. The two fetches run at the same time (item N takes \
            N x 10ms), so `done` comes at 20ms.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("one_request", report);
    });
}

#[tokio::test(start_paused = true)]
async fn spawned_fetches_log_inside_the_request_span() {
    let (log, _guard) = capture();
    let req = request(7, "ann", &[2, 1]);
    no_hang(
        "handle_request(7, ann, items [2, 1])",
        handle_request(req.clone()),
    )
    .await;
    assert_spans(&log.lines(), &[&req]);
    let fetch_lines = log
        .lines()
        .iter()
        .filter(|line| message_of(line).starts_with("found"))
        .count();
    assert_eq!(
        fetch_lines,
        2,
        "the log has {fetch_lines} `found` line(s), expected 2: one per item, each from \
         fetch_price running in its own spawned task. Log:\n{}",
        log.text()
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_requests_keep_their_spans_apart() {
    let (log, _guard) = capture();
    let ann = request(1, "ann", &[3, 1]);
    let bob = request(2, "bob", &[2]);
    let watch = Stopwatch::start();
    let (ann_total, bob_total) = no_hang(
        "handle_request for ann and bob at the same time (join!)",
        async { tokio::join!(handle_request(ann.clone()), handle_request(bob.clone())) },
    )
    .await;
    assert_spans(&log.lines(), &[&ann, &bob]);
    let report = format!(
        "{}ann's request returned {ann_total}, bob's {bob_total}; both done after {}ms\n",
        log.text(),
        watch.elapsed_ms()
    );
    insta::with_settings!({
        description => "Two requests handled at the same time on one thread (join!): ann \
            (id 1, items [3, 1]) and bob (id 2, items [2]). Their lines interleave, but \
            each line is inside its own request's span and never inside the other's.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("two_requests", report);
    });
}

#[tokio::test(start_paused = true)]
async fn the_fetches_run_at_the_same_time() {
    let (_log, _guard) = capture();
    let watch = Stopwatch::start();
    let total = no_hang(
        "handle_request(3, cy, items [3, 1, 2])",
        handle_request(request(3, "cy", &[3, 1, 2])),
    )
    .await;
    assert_eq!(
        total, 600,
        "handle_request for items [3, 1, 2] returned {total}, expected 600 (each price \
         is item x 100)."
    );
    watch.assert_elapsed(
        ms(30),
        "handle_request for items [3, 1, 2] (30ms, 10ms and 20ms fetches)",
        "Each fetch is its own spawned task, so they run at the same time and the \
         slowest (30ms) decides. 60ms means they ran one after the other: spawn them \
         all before awaiting any.",
    );
}
