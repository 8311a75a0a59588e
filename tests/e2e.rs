//! End-to-end tests of the whole repository: the real grader, run as a
//! learner, an instructor and CI would run it, on the real katas.
//!
//! Variants of a kata (a broken solution, one that blocks its thread, one
//! laid out differently) are graded through `--solutions-dir`, so these
//! tests never write into `katas/`: they can run while someone works there.

mod common;

use serde_json::Value;

use common::{grader, inject_at_start_of, is_running, json_of, kata, reference, solutions_dir};

const FLAGSHIPS: [&str; 4] = [
    "07-timeout",
    "15-graceful-shutdown",
    "23-lock-across-await",
    "25-no-thread-sleep",
];

#[test]
fn the_shipped_stubs_fail_with_their_expected_status_and_documented_json() {
    let output = grader(&["--format", "json"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "stubs must not pass: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_of(&output);
    assert_eq!(report["version"], 1);
    // The learner's own files are the course's stubs, todo or fix: every
    // kata is "not started" (issue 12), whatever its tests say.
    let expected = [
        ("07-timeout", "not_started"),
        ("15-graceful-shutdown", "not_started"),
        ("23-lock-across-await", "not_started"),
        ("25-no-thread-sleep", "not_started"),
    ];
    for (id, status) in expected {
        let k = kata(&report, id);
        // Kata 25's starter really sleeps (std::thread::sleep, 200 ms a
        // read): one of its tests ends 0.4 s short of the time limit, so on
        // a slow machine it may be stopped there instead.
        let or_else = if id == "25-no-thread-sleep" {
            "timed_out"
        } else {
            status
        };
        assert!(
            k["status"] == status || k["status"] == or_else,
            "{id}: {k:#}"
        );
        assert!(k["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(k["diagnostics"].is_array());
        let tests = k["tests"].as_array().unwrap();
        assert!(!tests.is_empty(), "{id} reports no tests");
        for test in tests {
            assert!(
                test["name"].is_string()
                    && test["status"].is_string()
                    && test["message"].is_string(),
                "{test:#}"
            );
            if test["status"] != "passed" {
                assert!(
                    !test["message"].as_str().unwrap().is_empty(),
                    "a failing test needs a message: {test:#}"
                );
            }
        }
    }
    let total = report["katas"].as_array().unwrap().len() as u64;
    assert_eq!(report["summary"]["total"], total);
    assert_eq!(report["summary"]["passed"], 0);
    // Untouched starter code earns nothing, even where it passes tests
    // (a fix kata's, listed in its kata.toml's passes_on_starter).
    for k in report["katas"].as_array().unwrap() {
        assert_eq!(k["points"], 0, "{}: {k:#}", k["id"]);
        assert!(k["max_points"].as_u64().unwrap() > 0, "{k:#}");
    }
    assert_eq!(report["summary"]["points"], 0);
}

#[test]
fn the_reference_solutions_all_pass() {
    let output = grader(&["--solutions", "--format", "json"])
        .output()
        .unwrap();
    let report = json_of(&output);
    for k in report["katas"].as_array().unwrap() {
        assert_eq!(k["status"], "passed", "{k:#}");
        assert_eq!(k["points"], k["max_points"], "{k:#}");
    }
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn verify_proves_every_kata_sound() {
    // As CI runs it: the known-wrong solutions' builds (about 1 GB) are
    // deleted as verify goes.
    // Every kata's every variant, while the other tests grade beside it:
    // far more than the usual limit of one grading.
    let output = grader(&["verify", "--discard-builds", "--format", "json"])
        .timeout(std::time::Duration::from_secs(45 * 60))
        .output()
        .unwrap();
    let report = json_of(&output);
    let problems = || {
        report["katas"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["sound"] != true)
            .map(|k| format!("{}: {:#}", k["id"], k["problems"]))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // The whole curriculum: every kata folder.
    let katas = std::fs::read_dir(common::repo().join("katas"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("kata.toml").is_file())
        .count();
    // Counted, not a constant: a new kata must not break this test.
    assert!(katas >= 31, "the curriculum has at least its 31 katas");
    let summary = &report["summary"];
    assert_eq!(summary["katas"], katas, "{summary:#}");
    for id in FLAGSHIPS {
        let k = kata(&report, id);
        assert_eq!(k["solution"], "passed", "{k:#}");
        assert_ne!(k["stub"], "passed", "{k:#}");
    }
    assert_eq!(
        summary["wrong_caught"],
        summary["wrong_total"],
        "{}",
        problems()
    );
    assert_eq!(
        summary["right_passed"],
        summary["right_total"],
        "{}",
        problems()
    );
    // Sound means: the stub fails, the reference passes, every known-wrong
    // solution fails with the test it names, every right solution passes,
    // and every test is made to fail by some known-wrong solution or the
    // stub (no unproven test).
    assert_eq!(output.status.code(), Some(0), "{}", problems());
    assert_eq!(summary["sound"], katas, "{}", problems());
    for k in report["katas"].as_array().unwrap() {
        assert_eq!(k["unproven"], serde_json::json!([]), "{k:#}");
        assert!(
            k["tests"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| !t["proven_by"].as_array().unwrap().is_empty()),
            "{}: a test nothing makes fail",
            k["id"]
        );
    }
    let kept: Vec<String> = std::fs::read_dir(common::repo().join(".grader/overlay"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| name.contains("--wrong-") || name.contains("--right-"))
        .collect();
    assert!(kept.is_empty(), "--discard-builds kept {kept:?}");
}

#[test]
fn a_kata_that_does_not_compile_does_not_stop_the_others() {
    let broken = reference("07-timeout").replacen("pub async fn", "pub async fn missing_paren(", 1);
    let dir = solutions_dir(&[
        ("07-timeout", broken),
        ("25-no-thread-sleep", reference("25-no-thread-sleep")),
    ]);
    let output = grader(&[
        "--solutions-dir",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "07",
        "25",
    ])
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let broken = kata(&report, "07-timeout");
    assert_eq!(broken["status"], "compile_error", "{broken:#}");
    let diagnostics = broken["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .any(|d| d.as_str().unwrap().contains("error")),
        "{broken:#}"
    );
    assert_eq!(kata(&report, "25-no-thread-sleep")["status"], "passed");
}

#[test]
fn a_test_that_blocks_its_thread_is_timed_out_within_its_limit_and_leaves_no_process() {
    // Block the runtime's thread for good, in the one test that gives a
    // future that never finishes: only that test should time out. The
    // blocked process writes its pid first, so we can check it was killed.
    let pid_file = tempfile::NamedTempFile::new().unwrap();
    let block = format!(
        "if limit == std::time::Duration::from_secs(2) {{ std::fs::write({:?}, std::process::id().to_string()).unwrap(); loop {{ std::thread::park(); }} }}",
        pid_file.path()
    );
    let blocking = inject_at_start_of(
        &reference("07-timeout"),
        "pub async fn with_timeout<",
        &block,
    );
    let dir = solutions_dir(&[("07-timeout", blocking)]);
    let output = grader(&[
        "--solutions-dir",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "07",
    ])
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let k = kata(&report, "07-timeout");
    assert_eq!(k["status"], "timed_out", "{k:#}");
    let timed_out: Vec<&Value> = k["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "timed_out")
        .collect();
    assert_eq!(timed_out.len(), 1, "{k:#}");
    assert!(
        timed_out[0]["message"]
            .as_str()
            .unwrap()
            .contains("thread was blocked"),
        "{:#}",
        timed_out[0]
    );
    // Killed at its limit (2 s), not whenever the grader got round to it.
    // (The grader's own wall time is not asserted: other tests' graders
    // hold the run lock before it.)
    let killed_after = timed_out[0]["duration_ms"].as_u64().unwrap();
    assert!(
        (2_000..12_000).contains(&killed_after),
        "{:#}",
        timed_out[0]
    );
    let pid = std::fs::read_to_string(pid_file.path()).unwrap();
    assert!(!pid.is_empty(), "the blocking test never ran");
    assert!(
        !is_running(pid.trim()),
        "the blocked test process {pid} was left running"
    );
}

#[test]
fn a_correct_solution_laid_out_differently_passes() {
    let files: Vec<(&str, String)> = FLAGSHIPS
        .iter()
        .map(|id| (*id, relayout(&reference(id))))
        .collect();
    let dir = solutions_dir(&files);
    let output = grader(&[
        "--solutions-dir",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    let report = json_of(&output);
    for id in FLAGSHIPS {
        assert_eq!(
            kata(&report, id)["status"],
            "passed",
            "{:#}",
            kata(&report, id)
        );
    }
}

#[test]
fn an_unknown_kata_is_a_usage_error_that_suggests_the_closest_name() {
    let output = grader(&["timeuot"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("07-timeout"), "{stderr}");
}

#[test]
fn outside_the_repository_is_a_usage_error() {
    let elsewhere = tempfile::tempdir().unwrap();
    let output = common::grader_command(elsewhere.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not inside the Tokio Katas repository")
    );
}

/// The same code, moved about: a header of comments shifts every line, an
/// extra helper sits between the items, blank lines double.
fn relayout(source: &str) -> String {
    let header: String = (0..25)
        .map(|i| format!("// layout padding line {i}\n"))
        .collect();
    let (attrs, body): (Vec<&str>, Vec<&str>) = source
        .lines()
        .partition(|l| l.starts_with("#![") || l.starts_with("//!"));
    format!(
        "{}\n{header}\n#[allow(dead_code)]\nfn an_extra_helper_the_reference_does_not_have() -> u32 {{\n    41 + 1\n}}\n\n{}\n",
        attrs.join("\n"),
        body.join("\n").replace("\n\n", "\n\n\n")
    )
}
