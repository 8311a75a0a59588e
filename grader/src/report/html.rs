//! `--report html=FILE`: one web page an instructor opens from CI.
//!
//! The log and the step summary say *that* a test failed; a failing timing
//! test also knows *what happened* in virtual time, and a page can draw it
//! to scale: what the test expected above what the code did, on one time
//! axis, so "b only started once a was done" is seen at a glance.
//!
//! The page is one self-contained file: inline CSS, the timelines as inline
//! SVG, no script and nothing fetched. It opens the same from a workflow's
//! artifact, a download or a mail, offline, and nothing in it can run.
//! Everything it shows comes from the run, and a test's message can quote
//! the student's code, so every piece of text is escaped (quick-xml's
//! escaping, the crate quick-junit already builds).
//!
//! What it draws carries stable hooks, for tests and for anyone who styles
//! the page: each timeline is `<svg class="timeline">`, each bar a
//! `<rect class="bar expected|observed">` with `data-label`,
//! `data-start-ms` and `data-end-ms` (no `data-end-ms` on a bar still
//! running when the test gave up: class `open`; an event is class `event`,
//! ending where it starts), and each side's end `<text class="done …"
//! data-done-ms>`.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::publish::Run;
use super::{SUSPICIOUS_EXPLAINED, TAMPERED_EXPLAINED, points, required};
use crate::verdict::{KataResult, KataStatus, NOT_REQUIRED, TestResult, TestStatus};

mod timeline;

/// The whole page.
pub fn render(run: &Run<'_>) -> String {
    let mut out = String::new();
    let title = escape(run.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n"
    );
    summary(&mut out, run);
    table(&mut out, run);
    if !run.warnings.is_empty() {
        out.push_str("<section class=\"warnings\">\n<h2>Not graded</h2>\n<ul>\n");
        for warning in run.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(warning.as_str()));
        }
        out.push_str("</ul>\n</section>\n");
    }
    let mut timelines = 0;
    for result in run
        .results
        .iter()
        .filter(|r| r.status != KataStatus::Passed)
    {
        kata(&mut out, run, result, &mut timelines);
    }
    out.push_str(
        "<footer>Written by the Tokio Katas grader. Times on the timelines are \
         virtual: the tests run tokio's paused clock, so they are exact.</footer>\n\
         </main>\n</body>\n</html>\n",
    );
    out
}

/// How many katas passed, and the points (toward the assignment, if any).
fn summary(out: &mut String, run: &Run<'_>) {
    let passed = super::passed(run.results);
    match run.assignment {
        None => {
            let total = points::total(run.katas, run.results);
            let _ = writeln!(
                out,
                "<p class=\"summary\"><strong>{passed}/{} katas passed · {}/{} points</strong></p>",
                run.results.len(),
                total.points,
                total.max_points
            );
        }
        Some(a) => {
            let standing = super::standing(run.results, Some(a), run.named);
            let total = points::toward_total(run.katas, run.results, a);
            let _ = writeln!(
                out,
                "<p class=\"summary\"><strong>Assignment {}: {} · {}/{} points</strong></p>\n\
                 <p>{passed}/{} katas passed in all; the others are graded, {NOT_REQUIRED}.</p>",
                escape(a.describe()),
                standing.sentence(),
                total.points,
                total.max_points,
                run.results.len(),
            );
        }
    }
}

/// Every kata graded: status, tests passed, points.
fn table(out: &mut String, run: &Run<'_>) {
    out.push_str(
        "<table class=\"katas\">\n<thead><tr><th>Kata</th><th>Status</th><th>Tests</th>\
         <th>Points</th></tr></thead>\n<tbody>\n",
    );
    for result in run.results {
        let worth = points::of(run.katas, result);
        let name = match result.status {
            KataStatus::Passed => escape(result.id.as_str()).into_owned(),
            _ => format!("<a href=\"#kata-{0}\">{0}</a>", escape(result.id.as_str())),
        };
        let _ = writeln!(
            out,
            "<tr class=\"status-{}\"><td>{name} · {}</td><td class=\"status\">{}{}</td>\
             <td>{}/{}</td><td>{}/{}</td></tr>",
            result.status.code(),
            escape(result.title.as_str()),
            result.status.word(),
            not_required(run, result),
            result.passed_tests(),
            result.tests.len(),
            worth.points,
            worth.max_points
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// ` · not required` for a kata outside the assignment.
fn not_required(run: &Run<'_>, result: &KataResult) -> String {
    match required(run.assignment, &result.id) {
        true => String::new(),
        false => format!(" · {NOT_REQUIRED}"),
    }
}

/// A kata not passed: why, and each test that did not pass. Open when it
/// needs a look (katas named on the command line always do); a required
/// kata not started yet, or one outside the assignment, is folded.
fn kata(out: &mut String, run: &Run<'_>, result: &KataResult, timelines: &mut usize) {
    let open = run.named
        || (result.status != KataStatus::NotStarted && required(run.assignment, &result.id));
    let _ = writeln!(
        out,
        "<details class=\"kata status-{}\" id=\"kata-{}\"{}>\n\
         <summary><h2>{} · {}: <span class=\"status\">{}{}</span></h2></summary>",
        result.status.code(),
        escape(result.id.as_str()),
        if open { " open" } else { "" },
        escape(result.id.as_str()),
        escape(result.title.as_str()),
        result.status.word(),
        not_required(run, result),
    );
    if !result.tests.is_empty() {
        let _ = writeln!(
            out,
            "<p>{} of {} tests passed.</p>",
            result.passed_tests(),
            result.tests.len()
        );
    }
    let lists = [
        (
            KataStatus::Tampered,
            TAMPERED_EXPLAINED,
            &result.tampered_files,
        ),
        (
            KataStatus::Suspicious,
            SUSPICIOUS_EXPLAINED,
            &result.suspicious,
        ),
    ];
    for (status, explained, lines) in lists {
        if result.status == status {
            let _ = writeln!(out, "<p>{}</p>\n<ul>", escape(explained));
            for line in lines {
                let _ = writeln!(out, "<li><code>{}</code></li>", escape(line.as_str()));
            }
            out.push_str("</ul>\n");
        }
    }
    for diagnostic in &result.diagnostics {
        let _ = writeln!(
            out,
            "<pre class=\"diagnostic\">{}</pre>",
            escape(diagnostic.as_str())
        );
    }
    for test in result
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
    {
        test_block(out, test, timelines);
    }
    out.push_str("</details>\n");
}

/// One test that did not pass: its name, message, timeline and output.
fn test_block(out: &mut String, test: &TestResult, timelines: &mut usize) {
    let _ = writeln!(
        out,
        "<article class=\"test status-{}\" data-test=\"{}\">\n\
         <h3><code>{}</code>: {}</h3>\n<pre class=\"message\">{}</pre>",
        test.status.code(),
        escape(test.name.as_str()),
        escape(test.name.as_str()),
        test.status.word(),
        escape(test.message.as_str()),
    );
    if let Some(timeline) = &test.timeline {
        *timelines += 1;
        let _ = writeln!(
            out,
            "<figure>\n<figcaption>Timeline in virtual time: <code>{}</code></figcaption>\n{}</figure>",
            escape(timeline.title.as_str()),
            timeline::svg(timeline, *timelines)
        );
    }
    if !test.output.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"output\"><summary>The test's output</summary>\
             <pre>{}</pre></details>",
            escape(test.output.as_str())
        );
    }
    out.push_str("</article>\n");
}

/// The page's look: plain, printable, readable in light and dark.
const STYLE: &str = "
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --dim: #6e7781;
  --expected: #8c959f; --observed: #d4a72c; --open: #cf222e; }
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; display: inline; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; font-weight: 600; }
table.katas { border-collapse: collapse; width: 100%; margin: 1rem 0 1.5rem; }
table.katas th, table.katas td { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid #d0d7de80; }
.status-passed .status { color: var(--ok); }
.status-in_progress .status { color: var(--warn); }
.status-not_started .status { color: var(--dim); }
.status-failed .status, .status-compile_error .status, .status-timed_out .status,
.status-tampered .status, .status-suspicious .status { color: var(--bad); }
details.kata { border-top: 1px solid #d0d7de; padding: .75rem 0; }
details.kata > summary { cursor: pointer; }
article.test { margin-left: 1rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #8c959f1f; padding: .5rem .75rem;
  border-radius: 6px; margin: .25rem 0; font-size: 13px; }
figure { margin: .5rem 0 1rem; }
figcaption { color: var(--dim); font-size: 13px; }
svg.timeline { width: 100%; max-width: 960px; height: auto; display: block;
  font: 12px ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; }
svg.timeline text { fill: currentColor; }
svg.timeline text.side, svg.timeline text.tick, svg.timeline text.more { fill: var(--dim); }
svg.timeline text.done { font-weight: 600; }
svg.timeline .bar.expected:not(.open) { fill: var(--expected); }
svg.timeline .bar.observed:not(.open) { fill: var(--observed); }
svg.timeline .bar.open { stroke: var(--open); stroke-width: 1; }
svg.timeline .hatch { fill: var(--open); }
svg.timeline .hatch-ground { fill: #cf222e33; }
svg.timeline .arrow { fill: var(--open); }
svg.timeline .axis, svg.timeline line.tick { stroke: var(--dim); }
svg.timeline .grid { stroke: #8c959f40; stroke-dasharray: 2 3; }
footer { color: var(--dim); font-size: 13px; margin-top: 2rem; }
";

#[cfg(test)]
mod tests {
    use super::timeline::tests::sequential;
    use super::*;
    use crate::report::human::Guide;
    use crate::verdict::Timeline;
    use crate::verdict::tests::result;

    fn page(results: &[KataResult], named: bool) -> String {
        let guide = Guide::default();
        render(&Run {
            katas: &[],
            results,
            named,
            title: "Tokio Katas · graded against main",
            warnings: &["NOTES.md differs from the trusted ref <b>".to_string()],
            guide: &guide,
            assignment: None,
        })
    }

    #[test]
    fn what_the_run_says_is_text_never_markup() {
        let mut kata = result(
            KataStatus::Failed,
            &[
                ("grading::ok", TestStatus::Passed),
                ("grading::slow", TestStatus::Failed),
            ],
        );
        kata.title = "Tom & Jerry's <timeout>".into();
        kata.tests[1].message =
            "expected `Ok(5)` <script>alert(\"x\")</script> & got \"Err\"".into();
        kata.tests[1].output = "thread 'main' panicked: <img src=x onerror=alert(1)>".into();
        kata.tests[1].timeline = Some(Timeline {
            title: "join(<a>, \"b\")".into(),
            ..sequential()
        });
        kata.tests[1].timeline.as_mut().unwrap().observed[0].label = "x\"><script>".into();
        let page = page(&[kata], false);
        assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>"));
        assert!(
            page.contains(
                "expected `Ok(5)` &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; got &quot;Err&quot;"
            ),
            "{page}"
        );
        assert!(page.contains("Tom &amp; Jerry&apos;s &lt;timeout&gt;"));
        assert!(page.contains("data-label=\"x&quot;&gt;&lt;script&gt;\""));
        assert!(page.contains("join(&lt;a&gt;, &quot;b&quot;)"));
        // Self-contained: no script, nothing fetched.
        assert!(
            !page.contains("http") && !page.contains(" src=\"") && !page.contains(" href=\"http"),
            "{page}"
        );
    }

    #[test]
    fn the_page_shows_every_kata_and_each_failing_test_with_its_timeline() {
        let mut failing = result(
            KataStatus::InProgress,
            &[
                ("grading::ok", TestStatus::Passed),
                ("grading::both", TestStatus::Failed),
                ("grading::hangs", TestStatus::TimedOut),
            ],
        );
        failing.tests[1].timeline = Some(sequential());
        let passed = KataResult {
            id: "25-no-thread-sleep".into(),
            title: "Sleep without blocking".into(),
            ..result(KataStatus::Passed, &[("grading::fine", TestStatus::Passed)])
        };
        let page = page(&[failing, passed], false);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("1/2 katas passed"), "{page}");
        assert!(
            page.contains("<td class=\"status\">in progress</td><td>1/3</td>"),
            "{page}"
        );
        assert!(
            page.contains("<td class=\"status\">passed</td><td>1/1</td>"),
            "{page}"
        );
        assert!(
            page.contains(
                "<details class=\"kata status-in_progress\" id=\"kata-07-timeout\" open>"
            )
        );
        assert!(
            !page.contains("id=\"kata-25-no-thread-sleep\""),
            "no section for a pass"
        );
        assert!(page.contains("<code>grading::both</code>: failed"));
        assert!(page.contains("<code>grading::hangs</code>: timed out"));
        assert!(
            !page.contains("grading::ok<"),
            "passed tests are counted, not listed"
        );
        assert_eq!(page.matches("<svg class=\"timeline\"").count(), 1);
        assert!(page.contains("Not graded"));
    }

    #[test]
    fn a_kata_not_started_is_folded_unless_named() {
        let kata = result(
            KataStatus::NotStarted,
            &[("grading::x!todo", TestStatus::Failed)],
        );
        let folded = page(std::slice::from_ref(&kata), false);
        assert!(folded.contains("id=\"kata-07-timeout\">"), "{folded}");
        let named = page(&[kata], true);
        assert!(named.contains("id=\"kata-07-timeout\" open>"), "{named}");
    }
}
