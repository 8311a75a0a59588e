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
//!
//! | mistake | the test that catches it |
//! |---|---|
//! | a `span.enter()` guard held across `.await`: another request is logged inside this one's span | `concurrent_requests_keep_their_spans_apart`, `many_requests_at_once_keep_their_spans_apart` |
//! | an `enter()` guard held across `.await` inside each fetch task: one fetch is logged inside another's span | `concurrent_requests_keep_their_spans_apart`, `many_requests_at_once_keep_their_spans_apart` (price against item) |
//! | an `EnteredSpan` (`span.entered()`) held across `.await`: the future is not `Send` | `handle_request_can_run_inside_tokio_spawn` (tests/spawnable.rs) |
//! | fetches spawned without a span: their lines have no context | `spawned_fetches_log_inside_the_request_span` |
//! | the fetch span created inside the spawned task: no request above it | `spawned_fetches_log_inside_the_request_span` |
//! | `.in_current_span()` only: the fetch lines have no `fetch{item=..}` | `spawned_fetches_log_inside_the_request_span` |
//! | `#[instrument]` recording the whole request (no `skip_all`/`fields`), the user by `Debug` | `one_request_logs_every_line_inside_its_span` |
//! | a span below the subscriber's level (`level = "debug"`): as if there were none | `spawned_fetches_log_inside_the_request_span` |
//! | `received` or `done` logged outside the request span | `spawned_fetches_log_inside_the_request_span` |
//! | each fetch awaited before the next is spawned | `the_fetches_run_at_the_same_time` |
//! | a cap on fetches at once (a `Semaphore`, batches, `buffer_unordered(n)`) | `every_fetch_runs_at_once_however_many_items` (300+ items) |
//! | an early return for a request with no items: no `done total=0` | `an_empty_request_logs_received_and_done` |
//! | the numbers formatted into the message (`info!("received items={n}")`): the same text, but no field a subscriber can filter or aggregate on | `received_and_done_record_their_numbers_as_fields` |
//! | fetches spawned detached: they keep running (and logging) after the request was dropped | `dropping_a_request_cancels_its_fetches` |

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};

use kata_30_tracing_spans::{Request, handle_request};
use kata_support::{
    Jitter, Stopwatch, assert_nothing_left_running, cancel_after, for_each_seed, ms, no_hang,
};
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
         fetch_price(item).instrument(info_span!(\"fetch\", item)). For \
         `received`/`done` it means handle_request is not running inside its span (or the \
         span is below the INFO level, so it is not recorded at all)."
    } else if !spans.starts_with("request{") && expected.starts_with("request{") {
        "The fetch span has no request span above it. A span's parent is whatever span \
         is current when the span is *created*; inside a freshly spawned task nothing is \
         current. Create the fetch span in handle_request (where the request span is \
         current) and pass it in: fetch_price(item).instrument(span)."
    } else if expected.contains(":fetch{") && !spans.contains(":fetch{") {
        "The fetch's line has the request span but no fetch span of its own: each \
         fetch runs inside a span named `fetch` with the field item, a child of the \
         request span (`.in_current_span()` only passes the request span on)."
    } else if spans.contains(":fetch{") && !expected.contains(":fetch{") {
        "A line of the request itself (`received`, `done`) is inside a fetch span: a \
         fetch span was still entered when it was logged."
    } else if spans.contains(":fetch{") && spans.split(':').next() != expected.split(':').next() {
        "The fetch is logged inside another request's span: one request's span was still \
         entered while another request ran, which is what a `span.enter()` guard held \
         across an `.await` does. Use #[instrument] or `.instrument(span)`."
    } else {
        "Check the span names and fields against README.md: a span `request` with the \
         fields id and user (user by Display: `user = %req.user`) and nothing else \
         (#[instrument(skip_all, ..)] or skip(req), or its Debug is recorded too), and \
         a span `fetch` with the field item."
    }
}

/// `request{id=7 user=ann}`: the span a request's lines must be in.
fn request_span(req: &Request) -> String {
    format!("request{{id={} user={}}}", req.id, req.user)
}

/// Checks that every line of the log has the spans it must have: the
/// request's for `received` and `done`, request + fetch for a fetch's lines,
/// and that a fetch's `found price=P` is in the span of the item it priced
/// (P = item x 100).
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
        let request_line = message.starts_with("received") || message.starts_with("done");
        let fetch_line = message.starts_with("looking up") || message.starts_with("found");
        if !request_line && !fetch_line {
            continue;
        }
        // The request the line claims to be in, if it names a real one.
        let claimed = requests
            .iter()
            .find(|req| spans.starts_with(request_span(req).as_str()));
        let expected = if request_line {
            request_span(claimed.unwrap_or(&requests[0]))
        } else {
            // Whose fetch is it? The item in the line's fetch span says.
            let item = spans
                .rsplit_once("fetch{item=")
                .and_then(|(_, rest)| rest.split_once('}'))
                .and_then(|(item, _)| item.parse::<u32>().ok());
            let owner = claimed
                .filter(|req| item.is_some_and(|item| req.items.contains(&item)))
                .or_else(|| {
                    requests
                        .iter()
                        .find(|req| item.is_some_and(|item| req.items.contains(&item)))
                })
                .unwrap_or(&requests[0]);
            match item {
                Some(item) => format!("{}:fetch{{item={item}}}", request_span(owner)),
                None => format!("{}:fetch{{item=..}}", request_span(owner)),
            }
        };
        assert_eq!(
            spans,
            expected,
            "this log line is in the wrong spans:\n  {line}\nIts spans are `{spans}`, \
             expected `{expected}`.\n{}",
            why_spans_are_wrong(&spans, &expected)
        );
        if let Some(price) = message
            .strip_prefix("found price=")
            .and_then(|p| p.parse::<u32>().ok())
        {
            assert!(
                spans.ends_with(&format!("fetch{{item={}}}", price / 100)),
                "this log line is in the wrong fetch span:\n  {line}\nfetch_price(item) finds \
                 price = item x 100, so this line was logged by the fetch of item {}, inside \
                 another fetch's span. That is what an `enter()` guard held across an \
                 `.await` does inside a task: the span stays entered on the thread while the \
                 task waits, and the next task to run logs inside it. Attach the span to the \
                 future instead: fetch_price(item).instrument(span).",
                price / 100
            );
        }
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

/// One event as a subscriber sees it: its message and its other fields
/// (name, value), apart from how a formatter would print them.
#[derive(Debug, Clone)]
struct Event {
    message: String,
    fields: Vec<(String, String)>,
}

/// A layer that keeps every event's fields, as structured data.
#[derive(Clone, Default)]
struct Fields(Arc<Mutex<Vec<Event>>>);

impl tracing::field::Visit for Event {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        // As a formatter prints it: without quotes.
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.fields
                .push((field.name().to_string(), format!("{value:?}")));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Fields {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut seen = Event {
            message: String::new(),
            fields: Vec::new(),
        };
        event.record(&mut seen);
        self.0.lock().unwrap().push(seen);
    }
}

#[tokio::test(start_paused = true)]
async fn received_and_done_record_their_numbers_as_fields() {
    use tracing_subscriber::layer::SubscriberExt;

    for_each_seed(4, |mut rng| async move {
        let items: Vec<u32> = (0..rng.range(1, 5))
            .map(|_| rng.range(1, 9) as u32)
            .collect();
        let req = request(rng.range(1, 999), "cy", &items);
        let total: u32 = items.iter().map(|item| item * 100).sum();
        let fields = Fields::default();
        let _guard =
            tracing::subscriber::set_default(tracing_subscriber::registry().with(fields.clone()));
        no_hang(
            &format!("handle_request(items {items:?})"),
            handle_request(req),
        )
        .await;
        let events = fields.0.lock().unwrap().clone();
        for (message, field, value) in [
            ("received", "items", items.len().to_string()),
            ("done", "total", total.to_string()),
        ] {
            let found = events
                .iter()
                .find(|event| event.message.starts_with(message));
            let Some(event) = found else {
                panic!(
                    "handle_request(items {items:?}) logged no event whose message is \
                     `{message}`. Events: {events:?}"
                );
            };
            assert!(
                event.message == message && event.fields == [(field.to_string(), value.clone())],
                "handle_request(items {items:?}) logged the message {:?} with the fields \
                 {:?}; expected the message {message:?} with one field, {field} = {value}. \
                 The text a fmt subscriber prints can look the same (`{message} \
                 {field}={value}`), but a number formatted into the message is only text: a \
                 field is data that a subscriber can filter, index and aggregate on. Write \
                 `info!({field} = .., \"{message}\")`.",
                event.message,
                event.fields
            );
        }
    })
    .await;
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

#[tokio::test(start_paused = true)]
async fn every_fetch_runs_at_once_however_many_items() {
    for_each_seed(4, |mut rng| async move {
        let (log, _guard) = capture();
        // More items than any cap a learner might pick (8, 64, 256...).
        let count = rng.range(300, 600) as usize;
        let items: Vec<u32> = (0..count).map(|_| rng.range(1, 9) as u32).collect();
        let slowest = u64::from(*items.iter().max().unwrap());
        let expected: u32 = items.iter().map(|item| item * 100).sum();
        let watch = Stopwatch::start();
        let total = no_hang(
            &format!("handle_request with {count} items"),
            handle_request(request(9, "max", &items)),
        )
        .await;
        assert_eq!(
            total, expected,
            "handle_request with {count} items returned {total}, expected {expected}."
        );
        watch.assert_elapsed(
            ms(slowest * 10),
            &format!(
                "handle_request with {count} items (the slowest fetch takes {}ms)",
                slowest * 10
            ),
            "Every fetch is its own spawned task, all running at the same time, however many \
             items there are: the slowest one decides. Longer means some fetches waited for \
             others: is there a limit on how many run at once (a Semaphore, batches, \
             buffer_unordered(n))? The README asks for all of them at once.",
        );
        let lookups = log
            .lines()
            .iter()
            .filter(|line| message_of(line) == "looking up")
            .count();
        assert_eq!(
            lookups, count,
            "handle_request with {count} items (some repeated) logged `looking up` {lookups} \
             times, expected {count}: one fetch task per item, repeats included."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_empty_request_logs_received_and_done() {
    let (log, _guard) = capture();
    let req = request(5, "dee", &[]);
    let span = request_span(&req);
    let watch = Stopwatch::start();
    let total = no_hang("handle_request(5, dee, no items)", handle_request(req)).await;
    assert_eq!(
        total, 0,
        "handle_request with no items returned {total}, expected 0."
    );
    watch.assert_elapsed(
        ms(0),
        "handle_request with no items",
        "There is nothing to fetch.",
    );
    let got: Vec<(String, String)> = log
        .lines()
        .iter()
        .map(|line| (spans_of(line), message_of(line)))
        .collect();
    let expected = vec![
        (span.clone(), "received items=0".to_string()),
        (span.clone(), "done total=0".to_string()),
    ];
    assert_eq!(
        got,
        expected,
        "handle_request for a request with no items logged (spans, message) {got:?}, expected \
         {expected:?}. A request with no items is a request like any other: it logs \
         `received items=0`, then `done total=0`, in its span. Returning early when there is \
         nothing to fetch skips the `done` line. The whole log:\n{}",
        log.text()
    );
}

#[tokio::test(start_paused = true)]
async fn many_requests_at_once_keep_their_spans_apart() {
    const USERS: [&str; 6] = ["ann", "bob", "cy", "dee", "eve", "fay"];
    for_each_seed(24, |mut rng| async move {
        let (log, guard) = capture();
        let count = rng.range(2, 4) as usize;
        let mut users = USERS.to_vec();
        rng.shuffle(&mut users);
        let requests: Vec<Request> = (0..count)
            .map(|i| {
                let items: Vec<u32> = (0..rng.range(1, 4))
                    .map(|_| rng.range(1, 9) as u32)
                    .collect();
                request(rng.range(1, 999), users[i], &items)
            })
            .collect();
        let what = format!(
            "handle_request for {} at the same time (join!)",
            requests
                .iter()
                .map(|r| format!("{{id {}, {}, items {:?}}}", r.id, r.user, r.items))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let jitter = Jitter::new(rng.next_u64());
        let handled = requests.iter().map(|req| {
            let (req, jitter) = (req.clone(), jitter.clone());
            async move {
                jitter.pause().await;
                jitter.wrap(handle_request(req)).await
            }
        });
        let totals = no_hang(&what, join_all(handled)).await;
        let refs: Vec<&Request> = requests.iter().collect();
        let lines = log.lines();
        assert_spans(&lines, &refs);
        for (req, total) in requests.iter().zip(&totals) {
            let expected_total: u32 = req.items.iter().map(|item| item * 100).sum();
            assert_eq!(
                *total, expected_total,
                "{what}: the request of {} (items {:?}) returned {total}, expected \
                 {expected_total}.",
                req.user, req.items
            );
            let span = request_span(req);
            let count_of = |prefix: &str| {
                lines
                    .iter()
                    .filter(|line| {
                        spans_of(line).starts_with(span.as_str())
                            && message_of(line).starts_with(prefix)
                    })
                    .count()
            };
            let n = req.items.len();
            let counts = [
                count_of("received"),
                count_of("looking up"),
                count_of("found"),
                count_of("done"),
            ];
            assert_eq!(
                counts,
                [1, n, n, 1],
                "{what}: inside {span}, the log has {} `received`, {} `looking up`, {} `found` \
                 and {} `done` line(s), expected 1, {n}, {n} and 1: one `received`, one \
                 `looking up` and one `found` per item, one `done`. Log:\n{}",
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                log.text()
            );
        }
        drop(guard);
        assert_nothing_left_running(&format!("{what} returned"), ms(60_000)).await;
    })
    .await;
}

/// Polls every future to completion, concurrently, in one task: the
/// requests share the thread, as they would on a server.
async fn join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (fut, out) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *out = Some(value),
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[tokio::test(start_paused = true)]
async fn dropping_a_request_cancels_its_fetches() {
    for_each_seed(8, |mut rng| async move {
        let (log, guard) = capture();
        let items: Vec<u32> = (0..rng.range(2, 4))
            .map(|_| rng.range(3, 9) as u32)
            .collect();
        let slowest = u64::from(*items.iter().max().unwrap()) * 10;
        let give_up = rng.odd_ms(1, slowest - 1);
        let what = format!(
            "handle_request(5, eve, items {items:?}), dropped by its caller after {give_up}ms"
        );
        let output = cancel_after(ms(give_up), handle_request(request(5, "eve", &items))).await;
        assert!(
            output.is_none(),
            "{what}: handle_request returned {output:?} before its slowest fetch ({slowest}ms)."
        );
        let before = log.lines().len();
        assert_nothing_left_running(
            &format!(
                "{what}. When a request is dropped (its client hung up, a timeout around it), \
                 its fetches must stop with it: spawn them into a tokio::task::JoinSet, which \
                 aborts its tasks when it is dropped, instead of a bare tokio::spawn, whose \
                 task keeps running detached when its JoinHandle is dropped"
            ),
            ms(60_000),
        )
        .await;
        let lines = log.lines();
        assert!(
            lines.len() == before,
            "{what}: after the request was dropped, its fetches went on logging:\n{}\nA fetch \
             of a dropped request must be cancelled with it (JoinSet).",
            lines[before..].join("\n")
        );
        drop(guard);
    })
    .await;
}
