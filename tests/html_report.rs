//! The HTML report (`--report html=FILE`) as an instructor sees it: kata
//! 06's stub graded into a page, the page opened in a real headless
//! Chromium, and what Chromium made of it read back from the DOM it dumps.
//!
//! The grader's unit tests (`report/html.rs`) check the markup it writes;
//! this checks that a browser takes it as meant: the page parses with each
//! timeline as SVG, every failing test's timeline has exactly the bars the
//! JSON report gives it, and on the test that awaited a, then b, yours b
//! starts at the very x where a ends while the expected b starts with a.
//!
//! Chromium is Debian's package (`apt-get install -y chromium`, which
//! `.ci/run` does). Without it this test fails in CI and is skipped
//! elsewhere, saying why. Linux only: it drives Debian's Chromium binary
//! (macOS and Windows keep theirs elsewhere, and the page is the same).
#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Checkout, json_of, kata, text};
use quick_xml::events::Event;
use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium loads this page in a second or two; past this it is stuck.
const LIMIT: Duration = Duration::from_secs(90);

/// The test that awaits a, then b: its timeline shows them one after the other.
const BOTH: &str = "grading::both_waits_for_the_two_futures_at_the_same_time";

#[test]
fn chromium_draws_each_failing_test_s_timeline_from_the_html_report() {
    if !Path::new(CHROMIUM).is_file() {
        common::missing_tool(&format!(
            "Chromium is not installed ({CHROMIUM}), so the HTML report was not opened in a \
             browser: `apt-get install -y chromium` (.ci/run installs it in CI)"
        ));
        return;
    }
    let checkout = Checkout::new();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("grading-report.html");
    let output = checkout
        .grader(&[
            "--format",
            "json",
            "--report",
            &format!("html={}", page.display()),
            "06",
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "the stub fails: {stderr}");
    let report = json_of(&output);
    let six = kata(&report, "06-join-concurrently");

    // Self-contained: nothing to run, nothing to fetch.
    let source = std::fs::read_to_string(&page).unwrap();
    for outside in ["<script", " src=\"", "href=\"http", "url(http", "@import"] {
        assert!(!source.contains(outside), "the page has {outside:?}");
    }

    let dom = dump_dom(&page);
    let status = six["status"].as_str().unwrap().replace('_', " ");
    assert!(
        dom.contains(&format!("<td class=\"status\">{status}</td>")),
        "the kata's row says `{status}`:\n{dom}"
    );
    let drawn = elements(&dom);

    // Every failing test with a timeline in the JSON report is drawn, with
    // exactly its bars, in order, each side on its own rows.
    let timed: Vec<&Value> = six["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "passed" && t.get("timeline").is_some())
        .collect();
    assert!(
        timed.iter().any(|t| t["name"] == BOTH),
        "{BOTH} has a timeline: {six:#}"
    );
    for test in &timed {
        let name = test["name"].as_str().unwrap();
        let svgs = drawn
            .iter()
            .filter(|e| e.tag == "svg" && e.test.as_deref() == Some(name))
            .count();
        assert_eq!(svgs, 1, "one timeline drawn for {name}");
        for (side, key) in [("expected", "expected"), ("observed", "observed")] {
            let want: Vec<(String, String, String)> = test["timeline"][key]
                .as_array()
                .unwrap()
                .iter()
                .map(|bar| {
                    (
                        bar["label"].as_str().unwrap().to_string(),
                        bar["start_ms"].to_string(),
                        match &bar["end_ms"] {
                            Value::Null => "open".to_string(),
                            end => end.to_string(),
                        },
                    )
                })
                .collect();
            let got: Vec<(String, String, String)> = bars(&drawn, name, side)
                .iter()
                .map(|bar| {
                    (
                        bar["data-label"].clone(),
                        bar["data-start-ms"].clone(),
                        bar.get("data-end-ms")
                            .cloned()
                            .unwrap_or_else(|| "open".into()),
                    )
                })
                .collect();
            assert_eq!(got, want, "{side} bars of {name}");
        }
    }

    // One after the other: yours b starts where a ends, on the drawing too.
    let observed = bars(&drawn, BOTH, "observed");
    let (a, b) = (&observed[0], &observed[1]);
    assert_eq!(
        (a["data-label"].as_str(), b["data-label"].as_str()),
        ("a", "b")
    );
    assert_eq!(b["data-start-ms"], a["data-end-ms"], "{observed:?}");
    assert_eq!(num(b, "x"), num(a, "x") + num(a, "width"), "{observed:?}");
    // Expected, b starts with a; yours starts later and reaches further.
    let expected = bars(&drawn, BOTH, "expected");
    assert_eq!(expected[1]["data-label"], "b");
    assert_eq!(expected[1]["data-start-ms"], "0");
    assert_eq!(num(&expected[1], "x"), num(a, "x"));
    assert!(num(b, "x") + num(b, "width") > num(&expected[1], "x") + num(&expected[1], "width"));
    // Each side says when it was done.
    let done: Vec<String> = drawn
        .iter()
        .filter(|e| e.test.as_deref() == Some(BOTH) && e.tag == "text")
        .filter(|e| e.attrs.get("class").is_some_and(|c| c.starts_with("done ")))
        .map(|e| e.attrs["data-done-ms"].clone())
        .collect();
    let last = |bars: &[BTreeMap<String, String>]| {
        bars.iter()
            .map(|bar| num(bar, "data-end-ms"))
            .fold(0.0, f64::max)
            .to_string()
    };
    assert_eq!(done, [last(&expected), last(&observed)]);
}

/// The page, opened by headless Chromium: the DOM it built, serialized.
fn dump_dom(page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (dom, log) = (out.path().join("dom.html"), out.path().join("chromium.log"));
    let child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&dom).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        // Its own process group, so that all of Chromium's processes can
        // be ended together.
        .process_group(0)
        .spawn()
        .expect("chromium starts");
    let mut browser = Browser(child);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = browser.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < LIMIT,
            "Chromium did not finish within {LIMIT:?} and was stopped:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let dom = std::fs::read_to_string(&dom).unwrap();
    assert!(
        status.success() && dom.contains("<svg"),
        "Chromium ({status}) dumped no page:\n{dom}\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    dom
}

/// Chromium's process group, ended when the test is done with it (a
/// browser that hangs, or one the test gave up on, leaves nothing behind).
struct Browser(Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

/// An element of the page as Chromium serialized it, and the failing test
/// (`<article data-test>`) it belongs to.
struct Element {
    tag: String,
    attrs: BTreeMap<String, String>,
    test: Option<String>,
}

/// Every element of `dom`, in order. Chromium writes HTML, not XML (a
/// `<meta>` is never closed), so quick-xml reads it as a tokenizer only,
/// without matching end tags; its attributes are always quoted.
fn elements(dom: &str) -> Vec<Element> {
    let mut reader = quick_xml::Reader::from_str(dom);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    let mut found = Vec::new();
    let mut test = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let tag = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs: BTreeMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                        (String::from_utf8_lossy(a.key.as_ref()).into_owned(), value)
                    })
                    .collect();
                if tag == "article" {
                    test = attrs.get("data-test").cloned();
                }
                found.push(Element {
                    tag,
                    attrs,
                    test: test.clone(),
                });
            }
            Event::End(e) if e.name().as_ref() == b"article" => test = None,
            Event::Eof => return found,
            _ => {}
        }
    }
}

/// The bars of `side` (`expected`, `observed`) on the timeline of `test`.
fn bars(elements: &[Element], test: &str, side: &str) -> Vec<BTreeMap<String, String>> {
    elements
        .iter()
        .filter(|e| e.tag == "rect" && e.test.as_deref() == Some(test))
        .filter(|e| {
            e.attrs
                .get("class")
                .is_some_and(|c| c.starts_with(&format!("bar {side}")))
        })
        .map(|e| e.attrs.clone())
        .collect()
}

fn num(attrs: &BTreeMap<String, String>, key: &str) -> f64 {
    attrs[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key} is not a number: {attrs:?}"))
}
