//! End-to-end tests of katas whose deliverable is the learner's *tests*
//! (`kind = "tests"`): the grader runs them against the course's
//! implementation (they must pass) and against each mutant of it (each
//! must be caught), names a mutant that survived in words, and fails a test
//! that waits in real time. A small kata of that kind is written into a
//! private checkout, so the mechanics are tested apart from the course's
//! own tests katas (which `verify` proves sound).

mod common;

use serde_json::Value;

use common::{Checkout, json_of, kata};

const KATA: &str = "katas/99-test-double";

/// A checkout with a tests kata: `double_after(delay, x)` waits `delay`,
/// then returns `2 * x`; two mutants get one of those wrong each.
fn checkout_with_tests_kata() -> Checkout {
    let checkout = Checkout::new();
    checkout.write(
        &format!("{KATA}/Cargo.toml"),
        r#"[package]
name = "kata-99-test-double"
version.workspace = true
edition.workspace = true
publish.workspace = true

[lib]
path = "subject/lib.rs"

[[test]]
name = "yours"
path = "src/lib.rs"

[dependencies]
tokio.workspace = true
"#,
    );
    checkout.write(
        &format!("{KATA}/kata.toml"),
        r#"title = "Test a delayed double"
chapter = 8
kind = "tests"
hints = ["Pause the clock and check the time it took, exactly."]
target_time_limits = { yours = 5 }
"#,
    );
    checkout.write(
        &format!("{KATA}/subject/lib.rs"),
        "use std::time::Duration;\n\n/// Waits `delay`, then returns `2 * x`.\n\
         pub async fn double_after(delay: Duration, x: u32) -> u32 {\n    \
         tokio::time::sleep(delay).await;\n    2 * x\n}\n",
    );
    checkout.write(
        &format!("{KATA}/mutants/no_wait.rs"),
        "//! Mutant: returns at once, without waiting.\nuse std::time::Duration;\n\n\
         pub async fn double_after(_delay: Duration, x: u32) -> u32 {\n    2 * x\n}\n",
    );
    checkout.write(
        &format!("{KATA}/mutants/triples.rs"),
        "//! Mutant: triples the value instead of doubling it\nuse std::time::Duration;\n\n\
         pub async fn double_after(delay: Duration, x: u32) -> u32 {\n    \
         tokio::time::sleep(delay).await;\n    3 * x\n}\n",
    );
    checkout.write(
        &format!("{KATA}/src/lib.rs"),
        "#[tokio::test]\nasync fn doubles() {\n    todo!(\"test double_after\")\n}\n",
    );
    checkout.commit_all("a tests kata");
    checkout
}

fn grade(checkout: &Checkout, tests: &str) -> Value {
    checkout.write(&format!("{KATA}/src/lib.rs"), tests);
    let output = checkout
        .grader(&["99", "--format", "json"])
        .output()
        .unwrap();
    json_of(&output)
}

fn test<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no test {name} in {result}"))
}

#[test]
fn tests_pass_only_when_they_catch_every_mutant_and_never_wait_for_real() {
    let checkout = checkout_with_tests_kata();
    let header = "use std::time::Duration;\nuse kata_99_test_double::double_after;\n\n";

    // Good tests, in the learner's own style: value and exact virtual time.
    let good = format!(
        "{header}#[tokio::test(start_paused = true)]\nasync fn waits_then_doubles() {{\n    \
         let start = tokio::time::Instant::now();\n    \
         assert_eq!(double_after(Duration::from_millis(317), 21).await, 42);\n    \
         assert_eq!(start.elapsed(), Duration::from_millis(317));\n}}\n"
    );
    let report = grade(&checkout, &good);
    let result = kata(&report, "99-test-double");
    assert_eq!(result["status"], "passed", "{result}");
    assert_eq!(test(result, "mutants::no_wait")["status"], "passed");
    assert_eq!(test(result, "mutants::triples")["status"], "passed");

    // Tests that check the value only: the mutant that never waits survives.
    let value_only = format!(
        "{header}#[tokio::test(start_paused = true)]\nasync fn doubles() {{\n    \
         assert_eq!(double_after(Duration::from_millis(5), 4).await, 8);\n}}\n"
    );
    let report = grade(&checkout, &value_only);
    let result = kata(&report, "99-test-double");
    // The learner's own work that does not pass yet is "in progress".
    assert_eq!(result["status"], "in_progress", "{result}");
    let survived = test(result, "mutants::no_wait");
    assert_eq!(survived["status"], "failed");
    let message = survived["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "your tests accept an implementation that returns at once, without waiting:"
        ),
        "{message}"
    );
    assert!(message.contains("mutants/no_wait.rs"), "{message}");
    assert_eq!(test(result, "mutants::triples")["status"], "passed");

    // A test that waits in real time fails, whatever it asserts.
    let real_time = format!(
        "{header}#[tokio::test]\nasync fn waits_then_doubles() {{\n    \
         let start = std::time::Instant::now();\n    \
         assert_eq!(double_after(Duration::from_millis(900), 21).await, 42);\n    \
         assert!(start.elapsed() >= Duration::from_millis(900));\n}}\n"
    );
    let report = grade(&checkout, &real_time);
    let result = kata(&report, "99-test-double");
    assert_eq!(result["status"], "in_progress", "{result}");
    let slow = test(result, "yours::waits_then_doubles");
    assert!(
        slow["message"]
            .as_str()
            .unwrap()
            .contains("ms of real time"),
        "{slow}"
    );
    // Not passed on the implementation: no mutant is graded.
    assert!(
        !result["tests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"].as_str().unwrap().starts_with("mutants::")),
        "{result}"
    );

    // The stub's todo!() is "not started", like any kata's.
    let stub = "#[tokio::test]\nasync fn doubles() {\n    todo!(\"test double_after\")\n}\n";
    let report = grade(&checkout, stub);
    assert_eq!(kata(&report, "99-test-double")["status"], "not_started");
}
