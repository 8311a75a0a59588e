//! The learner's journey through the course, end to end: the commands a
//! new user types, the options each takes, what the grader says about a
//! kata half written or broken, and moving on from one kata to the next.
//! Each test here failed before the change it guards (issue 12).

mod common;

use common::{Checkout, grader_binary, repo};

/// stdout and stderr of a finished command, as text.
fn run(cmd: &mut assert_cmd::Command) -> (Option<i32>, String, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn every_option_a_command_shows_works_there_and_the_rest_are_refused() {
    let checkout = Checkout::new();
    // JSON where it is offered: list, hint, next.
    let (code, out, err) = run(&mut checkout.grader(&["list", "--format", "json"]));
    assert_eq!(code, Some(0), "{err}");
    let katas = std::fs::read_dir(checkout.path("katas"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("kata.toml").is_file())
        .count();
    assert_eq!(json(&out)["katas"].as_array().unwrap().len(), katas);
    let (code, out, err) = run(&mut checkout.grader(&["hint", "07", "--format", "json"]));
    assert_eq!(code, Some(0), "{err}");
    let hint = json(&out);
    assert_eq!(
        (hint["kata"].as_str(), hint["seen"].as_u64()),
        (Some("07-timeout"), Some(1))
    );
    assert_eq!(hint["hints"][0]["number"], 1);
    let (code, out, _) = run(&mut checkout.grader(&["next", "--format", "json"]));
    assert_eq!(code, Some(0));
    assert_eq!(json(&out)["next"]["id"], "01-lazy-futures");

    // Options that a command would ignore are refused, and its --help does
    // not offer them.
    for args in [
        &["list", "--solutions"][..],
        &["reset", "07", "--solutions"],
        &["watch", "--format", "json"],
        &["hint", "07", "--trusted-ref", "main"],
        &["list", "--report", "json=x.json"],
    ] {
        let (code, _, err) = run(&mut checkout.grader(args));
        assert_eq!(code, Some(2), "{args:?} must be refused: {err}");
        assert!(err.contains("unexpected argument"), "{args:?}: {err}");
    }
    for command in [
        "list", "hint", "reset", "watch", "next", "solution", "new", "bench",
    ] {
        let (_, help, _) = run(&mut checkout.grader(&[command, "--help"]));
        for grading_only in ["--solutions", "--trusted-ref", "--report"] {
            assert!(
                !help.contains(grading_only),
                "`{command} --help` offers {grading_only}:\n{help}"
            );
        }
    }
    // Nothing was used up by the refused commands: still one hint seen.
    let (_, out, _) = run(&mut checkout.grader(&["list", "--format", "json"]));
    let seven = &json(&out)["katas"][6];
    assert_eq!(
        (seven["id"].as_str(), seven["hints_seen"].as_u64()),
        (Some("07-timeout"), Some(1))
    );
}

#[test]
fn a_mistyped_command_is_named_not_looked_up_as_a_kata() {
    for (typed, meant) in [
        (&["wach"][..], "watch"),
        (&["hints", "07"], "hint"),
        (&["lst"], "list"),
    ] {
        let (code, _, err) = run(&mut common::grader(typed));
        assert_eq!(code, Some(2), "{typed:?}: {err}");
        assert!(
            err.contains(&format!("Did you mean the command `{meant}`")),
            "{typed:?}: {err}"
        );
        assert!(!err.contains("no kata called"), "{typed:?}: {err}");
    }
    // A real kata name still works, and a mistyped kata name still gets a
    // kata suggestion.
    let (code, _, err) = run(&mut common::grader(&["hint", "timeuot"]));
    assert_eq!(code, Some(2));
    assert!(err.contains("07-timeout"), "{err}");
}

#[test]
fn hints_can_be_read_again_without_using_up_a_new_one() {
    let checkout = Checkout::new();
    let (_, first, _) = run(&mut checkout.grader(&["hint", "07"]));
    assert!(first.contains("Hint 1 of 3"), "{first}");
    let (_, again, _) = run(&mut checkout.grader(&["hint", "07", "1"]));
    assert!(
        again.contains("Hint 1 of 3") && again.contains("gives hint 2 of 3"),
        "{again}"
    );
    let (_, next, _) = run(&mut checkout.grader(&["hint", "07"]));
    assert!(
        next.contains("Hint 2 of 3"),
        "hint 07 1 used up a hint:\n{next}"
    );
    let (code, _, err) = run(&mut checkout.grader(&["hint", "07", "4"]));
    assert_eq!(code, Some(2));
    assert!(err.contains("ask for 1 to 3"), "{err}");
    // Code in a hint is never split over two lines.
    let (_, all, _) = run(&mut checkout.grader(&["hint", "07", "--all"]));
    for line in all.lines() {
        assert_eq!(
            line.matches('`').count() % 2,
            0,
            "a code span is split:\n{all}"
        );
    }
}

#[test]
fn a_kata_with_a_malformed_kata_toml_stays_in_the_course_with_its_reason() {
    let checkout = Checkout::new();
    checkout.edit(
        "katas/08-deadline-retry/kata.toml",
        "chapter = 2",
        "chapter = \"two\"",
    );
    let (code, list, err) = run(&mut checkout.grader(&["list"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        list.contains("08-deadline-retry") && list.contains("cannot be graded"),
        "{list}"
    );
    assert!(
        list.contains("chapter"),
        "the reason names the field:\n{list}"
    );
    for args in [&["hint", "08"][..], &["watch", "08"], &["solution", "08"]] {
        let (code, _, err) = run(&mut checkout.grader(args));
        assert_eq!(code, Some(2), "{args:?}");
        assert!(
            err.contains("08-deadline-retry cannot be read") && !err.contains("no kata called"),
            "{args:?}: {err}"
        );
    }
    // The full table: one heading per chapter, the unreadable kata last.
    let (_, table, _) = run(&mut checkout.grader(&[]));
    let headings: Vec<&str> = table
        .lines()
        .filter(|l| l.trim_start().starts_with("Chapter 2 "))
        .collect();
    assert_eq!(headings.len(), 1, "{table}");
    let unreadable = table
        .find("Katas that could not be read")
        .expect("a section for it");
    assert!(unreadable > table.find("Chapter 7 ").unwrap(), "{table}");
}

#[test]
fn a_kata_half_written_is_in_progress_and_a_broken_test_file_is_named() {
    let checkout = Checkout::new();
    // Kata 07 with with_timeout solved and first_within still todo!().
    let solution = std::fs::read_to_string(repo().join("solutions/07-timeout/src/lib.rs")).unwrap();
    let start = solution.find("pub async fn first_within").unwrap();
    let open = start + solution[start..].find('{').unwrap();
    let mut depth = 0;
    let close = open
        + solution[open..]
            .char_indices()
            .find(|(_, c)| {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .unwrap()
            .0;
    let half = format!(
        "{}{{ todo!() }}{}",
        &solution[..open],
        &solution[close + 1..]
    );
    checkout.write("katas/07-timeout/src/lib.rs", &half);
    let (_, out, err) = run(&mut checkout.grader(&["07"]));
    assert!(out.contains("◐ in progress"), "{out}{err}");
    assert!(
        !out.contains("waiting for you") && !out.contains("not started"),
        "{out}"
    );
    let passed: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("in progress") && l.contains(" tests"))
        .collect();
    assert!(
        !passed.is_empty() && !passed[0].contains(" 0/"),
        "some tests pass: {out}"
    );

    // The stub itself is still "not started".
    let (_, out, _) = run(&mut checkout.grader(&["08"]));
    assert!(
        out.contains("not started") && out.contains("waiting for you"),
        "{out}"
    );

    // A kata that does not compile shows no test count; one whose test file
    // does not compile says so instead of blaming src/lib.rs.
    checkout.write("katas/09-interval-ticks/src/lib.rs", "this is not rust");
    let (_, out, _) = run(&mut checkout.grader(&["09"]));
    assert!(
        out.contains("does not compile") && !out.contains("0/1 tests"),
        "{out}"
    );
    checkout.edit("katas/10-fan-in/tests/grading.rs", "fn ", "fn fn ");
    let (_, out, _) = run(&mut checkout.grader(&["10"]));
    assert!(
        out.contains("A test file of this kata does not compile"),
        "{out}"
    );
    assert!(
        out.contains("git checkout HEAD -- katas/10-fan-in/tests"),
        "{out}"
    );
}

#[test]
fn a_reader_that_goes_away_or_a_full_disk_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    for format in ["json", "junit", "human"] {
        let mut child = common::grader_command(repo())
            .args(["--format", format, "07"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read 100 bytes, then close the pipe, as `| head -c 100` does.
        let mut first = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let output = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert_ne!(output.status.code(), Some(101), "{format}: {err}");
    }
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = common::grader_command(repo())
            .args(["--format", "json", "07"])
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(
            err.contains("cannot write to standard output") && !err.contains("panicked"),
            "{err}"
        );
    }
}

#[test]
fn reset_s_restore_command_works_from_the_kata_s_folder() {
    let checkout = Checkout::new();
    checkout.write("katas/07-timeout/src/lib.rs", "// my work\n");
    let (code, out, err) = run(&mut checkout.grader(&["reset", "07", "--yes"]));
    assert_eq!(code, Some(0), "{err}");
    let restore = out
        .lines()
        .find_map(|l| l.strip_prefix("To bring it back: "))
        .expect("a restore command");
    let status = checkout
        .command("sh")
        .args(["-c", restore])
        .current_dir(checkout.path("katas/07-timeout"))
        .status()
        .unwrap();
    assert!(status.success(), "`{restore}` failed in the kata's folder");
    assert_eq!(checkout.read("katas/07-timeout/src/lib.rs"), "// my work\n");
}

#[test]
fn without_git_the_grader_says_what_it_cannot_check() {
    let checkout = Checkout::new();
    std::fs::remove_dir_all(checkout.path(".git")).unwrap();
    let (_, _, err) = run(&mut checkout.grader(&["08"]));
    assert!(err.contains("not a git checkout"), "{err}");
}

#[test]
fn the_solution_is_shown_only_after_the_kata_passes() {
    let checkout = Checkout::new();
    let (code, out, _) = run(&mut checkout.grader(&["solution", "07"]));
    assert_eq!(code, Some(1));
    assert!(
        out.contains("once you have passed it") && out.contains("hint 07"),
        "{out}"
    );
    assert!(!out.contains("pub async fn"), "{out}");

    let solution = std::fs::read_to_string(repo().join("solutions/07-timeout/src/lib.rs")).unwrap();
    checkout.write("katas/07-timeout/src/lib.rs", &solution);
    let (code, graded, err) = run(&mut checkout.grader(&["07"]));
    assert_eq!(code, Some(0), "{graded}{err}");
    assert!(graded.contains("Next: 08-deadline-retry"), "{graded}");
    let (code, out, _) = run(&mut checkout.grader(&["solution", "07"]));
    assert_eq!(code, Some(0));
    assert!(
        out.contains("What you learned") && out.contains("Common mistakes"),
        "{out}"
    );
    assert!(
        out.contains(
            solution
                .lines()
                .find(|l| l.contains("pub async fn"))
                .unwrap()
        ),
        "{out}"
    );
    let (_, diff, _) = run(&mut checkout.grader(&["solution", "07", "--diff"]));
    assert!(diff.contains("byte for byte"), "{diff}");

    // `next` and the full report now send the learner on.
    let (_, next, _) = run(&mut checkout.grader(&["next"]));
    assert!(
        next.contains("Next: 01-lazy-futures"),
        "the first kata not passed, in course order:\n{next}"
    );
    let _ = grader_binary();
}
