//! End-to-end tests of assignments (`assignments.toml`, issue 13): only the
//! assignment's katas are required, every report says which are, and under
//! `--trusted-ref` the assignment is the base's, never the student's.
//!
//! Each test grades a private checkout cut down to three katas (01, 07 and
//! 25), so that a run without named katas grades the whole (small) course,
//! as CI does, in seconds instead of minutes.

mod common;

use common::{Checkout, json_of, kata, reference, repo, text};
use serde_json::{Value, json};

/// The katas every checkout here keeps.
const KEPT: [&str; 3] = ["01-lazy-futures", "07-timeout", "25-no-thread-sleep"];

/// week-1 requires 01 and 25 (worth 30 in all), week-2 07; week-1 is current.
const ASSIGNMENTS: &str = r#"
current = "week-1"

[assignment.week-1]
katas = ["01-lazy-futures", "25-no-thread-sleep"]
points = 30
due = "2026-12-14"

[assignment.week-2]
katas = ["07-timeout"]
"#;

/// A course of the three [`KEPT`] katas, with `assignments` (if any) as its
/// assignments.toml, committed on `main`.
fn course(assignments: Option<&str>) -> Checkout {
    let course = Checkout::new();
    for folder in ["katas", "solutions"] {
        for entry in std::fs::read_dir(course.path(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name != "support" && !KEPT.contains(&name.as_str()) {
                std::fs::remove_dir_all(&path).unwrap();
            }
        }
    }
    if let Some(text) = assignments {
        course.write("assignments.toml", text);
    }
    course.git(&["add", "-A"]);
    course.git(&[
        "commit",
        "--quiet",
        "-m",
        "three katas, and their assignments",
    ]);
    course
}

fn solve(course: &Checkout, id: &str) {
    course.write(&format!("katas/{id}/src/lib.rs"), &reference(id));
}

fn required(report: &Value) -> Vec<(String, bool)> {
    report["katas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["id"].as_str().unwrap().to_string(), k["required"] == true))
        .collect()
}

/// The suites of a JUnit report, with how many cases failed (or errored)
/// and were skipped in each.
fn junit_counts(xml: &str) -> Vec<(String, usize, usize)> {
    let report = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes()))
        .unwrap_or_else(|e| panic!("not JUnit XML ({e}):\n{xml}"));
    report
        .suites
        .iter()
        .map(|suite| {
            let count = |wanted: fn(&junit_parser::TestStatus) -> bool| {
                suite.cases.iter().filter(|c| wanted(&c.status)).count()
            };
            (
                suite.name.clone(),
                count(|s| {
                    matches!(
                        s,
                        junit_parser::TestStatus::Failure(_) | junit_parser::TestStatus::Error(_)
                    )
                }),
                count(|s| matches!(s, junit_parser::TestStatus::Skipped(_))),
            )
        })
        .collect()
}

/// week-1's katas pass and 07 is the stub: the run passes, every report
/// shows 07 with its own status but not required, and the points are
/// week-1's. Then a required kata fails, or another set is asked for: the
/// run fails.
#[test]
fn only_the_assignment_s_katas_are_required_in_every_report() {
    let course = course(Some(ASSIGNMENTS));
    solve(&course, "01-lazy-futures");
    solve(&course, "25-no-thread-sleep");
    let out = tempfile::tempdir().unwrap();
    let file = |name: &str| out.path().join(name);
    let report = |format: &str| format!("{format}={}", file(format).display());
    let summary = file("summary.md");

    let output = course
        .grader(&[
            "--format",
            "json",
            "--report",
            &report("junit"),
            "--report",
            &report("classroom"),
            "--report",
            &report("human"),
        ])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json = json_of(&output);
    assert_eq!(
        json["assignment"],
        json!({
            "name": "week-1",
            "due": "2026-12-14",
            "katas": ["01-lazy-futures", "25-no-thread-sleep"],
            "points": 30,
            "earned": 30,
            "passed": 2,
            "required": 2,
        })
    );
    let flags = required(&json);
    assert_eq!(
        flags,
        [
            ("01-lazy-futures".to_string(), true),
            ("07-timeout".to_string(), false),
            ("25-no-thread-sleep".to_string(), true)
        ]
    );
    // Not required, but graded and reported as it is.
    let timeout = kata(&json, "07-timeout");
    assert_eq!(timeout["status"], "not_started", "{timeout:#}");
    assert!(!timeout["tests"].as_array().unwrap().is_empty());

    // JUnit: 07's failing tests are skipped, not failures; nothing fails.
    let junit = std::fs::read_to_string(file("junit")).unwrap();
    let counts = junit_counts(&junit);
    let tests_of_07 = timeout["tests"].as_array().unwrap().len();
    assert!(
        counts.contains(&("07-timeout".to_string(), 0, tests_of_07)),
        "{counts:?}"
    );
    assert!(
        counts.iter().all(|(_, failed, _)| *failed == 0),
        "{counts:?}"
    );
    assert!(
        junit.contains("not required: outside the assignment week-1"),
        "{junit}"
    );

    // Classroom: week-1's 30 points, shared by its two katas; 07 is worth 0.
    let classroom: Value =
        serde_json::from_str(&std::fs::read_to_string(file("classroom")).unwrap()).unwrap();
    assert_eq!(classroom["status"], "pass", "{classroom:#}");
    assert_eq!(classroom["max_score"], 30, "{classroom:#}");
    let entries = classroom["tests"].as_array().unwrap();
    let score: u64 = entries.iter().map(|t| t["score"].as_u64().unwrap()).sum();
    assert_eq!(score, 30, "{classroom:#}");
    let seven = entries
        .iter()
        .find(|t| t["name"].as_str().unwrap().starts_with("07-"))
        .unwrap();
    assert_eq!(
        (&seven["score"], &seven["max_score"]),
        (&json!(0), &json!(0))
    );
    assert!(
        seven["message"]
            .as_str()
            .unwrap()
            .starts_with("not required"),
        "{seven:#}"
    );

    // Human: the assignment, its due date, the count, and 07 marked.
    let human = std::fs::read_to_string(file("human")).unwrap();
    assert!(
        human.contains("Assignment week-1 (due 2026-12-14)"),
        "{human}"
    );
    assert!(
        human.contains("week-1: 2 of 2 required katas passed"),
        "{human}"
    );
    let row = human
        .lines()
        .find(|l| l.contains("07-timeout"))
        .unwrap_or_else(|| panic!("{human}"));
    assert!(
        row.contains("not started") && row.contains("not required"),
        "{row}"
    );
    // GitHub: the summary says so too, and no error annotation for 07.
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains(
            "Assignment week-1 (due 2026-12-14): 2 of 2 required katas passed · 30/30 points"
        ),
        "{summary}"
    );
    assert!(!stderr.contains("::error"), "{stderr}");

    // Another set by name: 07 is required now, and not passed.
    let output = course
        .grader(&["--assignment", "week-2", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output).1);
    let json = json_of(&output);
    assert_eq!(json["assignment"]["name"], "week-2");
    assert_eq!(json["assignment"]["passed"], 0);
    assert_eq!(kata(&json, "07-timeout")["required"], true);
    assert_eq!(kata(&json, "01-lazy-futures")["required"], false);
    // `all`: every kata, whatever `current` says; the report is as without
    // a file.
    let output = course
        .grader(&["--assignment", "all", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output).1);
    let json = json_of(&output);
    assert!(json.get("assignment").is_none(), "{json:#}");
    assert!(required(&json).iter().all(|(_, r)| *r), "{json:#}");

    // A required kata that fails fails the run, in every report.
    let wrong = std::fs::read_to_string(
        repo().join("solutions/25-no-thread-sleep/wrong/wrong_duration.rs"),
    )
    .unwrap();
    course.write("katas/25-no-thread-sleep/src/lib.rs", &wrong);
    let output = course
        .grader(&["--format", "junit", "--report", &report("classroom")])
        .output()
        .unwrap();
    let (junit, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let counts = junit_counts(&junit);
    let failing = counts
        .iter()
        .find(|(id, ..)| id == "25-no-thread-sleep")
        .unwrap();
    assert!(failing.1 > 0 && failing.2 == 0, "{counts:?}");
    let classroom: Value =
        serde_json::from_str(&std::fs::read_to_string(file("classroom")).unwrap()).unwrap();
    assert_eq!(classroom["status"], "fail", "{classroom:#}");
    assert_eq!(classroom["max_score"], 30, "{classroom:#}");
}

/// The student edits assignments.toml to require only the kata they
/// solved: graded against the base, the base's assignment applies.
#[test]
fn trusted_grading_takes_the_assignment_from_the_ref_never_the_student_s_file() {
    let course = course(Some(ASSIGNMENTS));
    course.git(&["checkout", "--quiet", "-b", "student"]);
    solve(&course, "25-no-thread-sleep");
    course.edit(
        "assignments.toml",
        "katas = [\"01-lazy-futures\", \"25-no-thread-sleep\"]",
        "katas = [\"25-no-thread-sleep\"]",
    );
    course.git(&["commit", "--quiet", "-am", "week 1 is only 25, right?"]);

    let output = course
        .grader(&["--trusted-ref", "main", "--format", "json"])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let json = json_of(&output);
    assert_eq!(
        json["assignment"]["katas"],
        json!(["01-lazy-futures", "25-no-thread-sleep"]),
        "{json:#}"
    );
    assert_eq!(kata(&json, "01-lazy-futures")["required"], true);
    assert_eq!(kata(&json, "01-lazy-futures")["status"], "not_started");
    assert_eq!(json["assignment"]["passed"], 1);
    assert!(
        stderr.contains("assignments.toml differs from the trusted ref: not used for grading"),
        "{stderr}"
    );

    // Nor can the student pick an easier set, or none, by deleting the
    // file: `current` is the base's.
    std::fs::remove_file(course.path("assignments.toml")).unwrap();
    course.git(&["commit", "--quiet", "-am", "no assignments at all"]);
    let output = course
        .grader(&["--trusted-ref", "main", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output).1);
    assert_eq!(json_of(&output)["assignment"]["name"], "week-1");
}

/// Mistakes are found before anything is built, and say what to do.
#[test]
fn an_unknown_assignment_or_a_wrong_file_is_refused_with_what_to_do() {
    let course = course(Some(ASSIGNMENTS));
    let output = course.grader(&["--assignment", "week-9"]).output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("--assignment week-9")
            && stderr.contains("`week-1`, `week-2`, or `all` for every kata"),
        "{stderr}"
    );

    // A kata that is not in katas/: the file, the set, a close match.
    course.edit("assignments.toml", "\"07-timeout\"", "\"07-timout\"");
    for args in [&[][..], &["verify"][..]] {
        let output = course.grader(args).output().unwrap();
        let (stdout, stderr) = text(&output);
        assert_ne!(output.status.code(), Some(0), "{args:?}: {stdout}{stderr}");
        let path = course.path("assignments.toml").display().to_string();
        assert!(
            stderr.contains(&path)
                && stderr.contains("[assignment.week-2]")
                && stderr.contains("did you mean `07-timeout`"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stdout.contains("passed"),
            "{args:?}: nothing was graded: {stdout}"
        );
    }
}

/// Without assignments.toml every kata is required, as before the file
/// existed, and a set asked for by name is a usage error.
#[test]
fn without_the_file_every_kata_is_required() {
    let course = course(None);
    solve(&course, "25-no-thread-sleep");
    let output = course.grader(&["--format", "json", "25"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output).1);
    let json = json_of(&output);
    assert!(json.get("assignment").is_none(), "{json:#}");
    assert_eq!(kata(&json, "25-no-thread-sleep")["required"], true);
    let output = course.grader(&["07"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "a stub still fails the run");

    let output = course.grader(&["--assignment", "week-1"]).output().unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the course has no assignments"), "{stderr}");
}
