//! Performance (issue 6): the verdict cache must never replay a stale verdict.
//!
//! The cache (grader/src/pipeline/verdict_cache.rs) replays a test's recorded
//! outcome when nothing it depends on changed. The dangerous case is the
//! learner's loop: the same file, in the same folder, alternately right and
//! wrong. Here one `--solutions-dir` folder (so `katas/` is never written)
//! holds a kata's reference solution, then a known-wrong one, then the
//! reference again, then the wrong one again: each grade must give the
//! verdict of the code that is there now. Kata 23 has a trybuild suite that
//! compiles the graded file at run time; kata 06 checks a snapshot.

mod common;

use common::{grader, json_of, kata, reference, repo, solutions_dir};

const KATAS: [(&str, &str); 2] = [
    ("06-join-concurrently", "sequential_awaits.rs"),
    ("23-lock-across-await", "stale_write_back.rs"),
];

fn wrong(kata: &str, file: &str) -> String {
    std::fs::read_to_string(repo().join("solutions").join(kata).join("wrong").join(file)).unwrap()
}

fn grade(dir: &std::path::Path) -> serde_json::Value {
    let output = grader(&[
        "--solutions-dir",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "06",
        "23",
    ])
    .output()
    .unwrap();
    json_of(&output)
}

#[test]
fn right_and_wrong_code_in_the_same_folder_get_their_own_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let write = |right: bool| {
        for (id, wrong_file) in KATAS {
            let source = if right {
                reference(id)
            } else {
                wrong(id, wrong_file)
            };
            let src = dir.path().join(id).join("src");
            std::fs::create_dir_all(&src).unwrap();
            std::fs::write(src.join("lib.rs"), source).unwrap();
        }
    };
    for (round, right) in [true, false, true, false, true].into_iter().enumerate() {
        write(right);
        let report = grade(dir.path());
        for (id, _) in KATAS {
            let status = kata(&report, id)["status"].as_str().unwrap().to_string();
            if right {
                assert_eq!(
                    status, "passed",
                    "round {round}: the reference solution of {id}"
                );
            } else {
                assert_ne!(
                    status, "passed",
                    "round {round}: a known-wrong solution of {id}"
                );
            }
        }
    }
}

#[test]
fn no_cache_gives_the_same_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    for (id, _) in KATAS {
        let src = dir.path().join(id).join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), reference(id)).unwrap();
    }
    let path = dir.path().to_str().unwrap();
    let cached = json_of(
        &grader(&["--solutions-dir", path, "--format", "json", "06", "23"])
            .output()
            .unwrap(),
    );
    let again = json_of(
        &grader(&["--solutions-dir", path, "--format", "json", "06", "23"])
            .output()
            .unwrap(),
    );
    let uncached = json_of(
        &grader(&[
            "--solutions-dir",
            path,
            "--format",
            "json",
            "--no-cache",
            "06",
            "23",
        ])
        .output()
        .unwrap(),
    );
    for (id, _) in KATAS {
        for report in [&cached, &again, &uncached] {
            assert_eq!(kata(report, id)["status"], "passed", "{id}");
        }
        let names = |r: &serde_json::Value| {
            kata(r, id)["tests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t["name"].clone(), t["status"].clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&again), names(&uncached), "{id}");
    }
}

/// Every graded folder gets its own build (megabytes of test binaries). A
/// folder that is gone (a student's temporary checkout, a test's scratch
/// folder) must not leave its build in the target directory for good: the
/// next grading that builds beside the learner's workspace removes it.
#[test]
fn the_build_of_a_deleted_folder_is_removed_from_the_target_directory() {
    let dir = solutions_dir(&[("07-timeout", reference("07-timeout"))]);
    let path = dir.path().to_str().unwrap().to_string();
    let report = json_of(
        &grader(&["--solutions-dir", &path, "--format", "json", "07"])
            .output()
            .unwrap(),
    );
    assert_eq!(kata(&report, "07-timeout")["status"], "passed");

    // The overlay member that built this folder's lib.rs, and what it built.
    let overlay = repo().join(".grader/overlay");
    let member = std::fs::read_dir(&overlay)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|member| {
            std::fs::read_to_string(member.join("lib-source"))
                .is_ok_and(|lib| lib.starts_with(&path))
        })
        .expect("an overlay member for the graded folder");
    let outputs: Vec<std::path::PathBuf> = std::fs::read_to_string(member.join("outputs"))
        .expect("the member lists what cargo built for it")
        .lines()
        .map(Into::into)
        .collect();
    assert!(
        outputs.iter().any(|o| o
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("grading-")),
        "the outputs include the grading test binary: {outputs:?}"
    );
    assert!(outputs.iter().all(|o| o.exists()));

    drop(dir);
    let other = solutions_dir(&[("07-timeout", reference("07-timeout"))]);
    let report = json_of(
        &grader(&[
            "--solutions-dir",
            other.path().to_str().unwrap(),
            "--format",
            "json",
            "07",
        ])
        .output()
        .unwrap(),
    );
    assert_eq!(kata(&report, "07-timeout")["status"], "passed");
    assert!(
        !member.exists(),
        "the deleted folder's overlay member is gone"
    );
    let left: Vec<_> = outputs.iter().filter(|o| o.exists()).collect();
    assert!(left.is_empty(), "still in the target directory: {left:?}");
}

/// A replayed verdict reports the time the test took when it ran (issue
/// 13): a report of a warm grade must not say every test took 0 s.
#[test]
fn a_replayed_verdict_reports_the_time_it_took_when_it_ran() {
    let dir = solutions_dir(&[("07-timeout", reference("07-timeout"))]);
    let path = dir.path().to_str().unwrap();
    let durations = || {
        let report = json_of(
            &grader(&["--solutions-dir", path, "--format", "json", "07"])
                .output()
                .unwrap(),
        );
        let tests = kata(&report, "07-timeout")["tests"]
            .as_array()
            .unwrap()
            .clone();
        tests
            .iter()
            .map(|t| t["duration_us"].as_u64().unwrap())
            .collect::<Vec<u64>>()
    };
    let ran = durations();
    let replayed = durations();
    assert!(ran.iter().all(|us| *us > 0), "{ran:?}");
    assert_eq!(replayed, ran, "the replay reports the recorded durations");
}
