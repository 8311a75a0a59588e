//! `verify --mutants` end to end, on one small kata: the mechanism (a
//! scratch package, cargo-mutants run in it, its outcomes read and judged
//! against `kata.toml`), not the score of the shipped katas, which the
//! course workflow checks.
//!
//! The kata is scaffolded by `grader new` in a private checkout of the
//! repository (`common::Checkout`), so the test owns every line of it: `double_after(delay, value)` waits,
//! then returns `value * 2`. Its test is weakened to double 2, and since
//! 2 * 2 == 2 + 2, the mutant that turns `*` into `+` survives.

mod common;

use serde_json::Value;

/// The mutant the weakened test cannot catch.
const SURVIVOR: &str = "replace * with + in double_after";

/// cargo-mutants is installed (by `.ci/run` in CI, by `verify --mutants`
/// itself on first use). Locally a missing one skips this test rather than
/// spend minutes installing it; in CI it is a failure.
fn cargo_mutants_available() -> bool {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let found = std::process::Command::new(cargo)
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let why = "cargo-mutants is not installed: `cargo install --locked cargo-mutants@27.1.0` \
                   (.ci/run does this in CI)";
        common::missing_tool(why);
    }
    found
}

fn verify_mutants(checkout: &common::Checkout, id: &str) -> (Option<i32>, Value) {
    let output = checkout
        .grader(&["verify", "--mutants", "--format", "json", id])
        .output()
        .unwrap();
    let report = common::json_of(&output);
    (output.status.code(), common::kata(&report, id).clone())
}

fn problems_of(kata: &Value) -> Vec<String> {
    kata["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_surviving_mutant_fails_verify_until_recorded_as_equivalent_and_a_stale_entry_fails_it() {
    if !cargo_mutants_available() {
        return;
    }
    let checkout = common::Checkout::new();
    let output = checkout.grader(&["new", "mutant-check"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = std::fs::read_dir(checkout.path("katas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .find(|name| name.ends_with("-mutant-check"))
        .unwrap();
    let tests = format!("katas/{id}/tests/grading.rs");
    checkout.edit(
        &tests,
        "double_after(ms(1000), 21)",
        "double_after(ms(1000), 2)",
    );
    checkout.edit(&tests, "result, 42,", "result, 4,");

    // The survivor is named, with the entry that would record it.
    let (code, kata) = verify_mutants(&checkout, &id);
    assert_eq!(code, Some(1), "{kata:#}");
    let mutants = &kata["mutants"];
    assert_eq!(mutants["missed"], 1, "{kata:#}");
    assert!(mutants["caught"].as_u64().unwrap() >= 2, "{kata:#}");
    let problems = problems_of(&kata);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains(&format!("is changed to `{SURVIVOR}`"))
            && problems[0].contains(&format!(
                "[[equivalent_mutants]]\n        mutant = \"{SURVIVOR}\""
            ))
            && problems[0].contains("\n        -    value * 2\n        +    value +"),
        "{}",
        problems[0]
    );
    // The kata itself is sound: the mutant is verify's only complaint.
    assert_eq!(kata["unproven"], serde_json::json!([]), "{kata:#}");

    // Recorded as equivalent, with a reason: verify passes.
    let kata_toml = format!("katas/{id}/kata.toml");
    let recorded = format!(
        "{}\n[[equivalent_mutants]]\nmutant = \"{SURVIVOR}\"\nwhy = \"the test doubles 2, and 2 * 2 == 2 + 2\"\n",
        checkout.read(&kata_toml)
    );
    checkout.write(&kata_toml, &recorded);
    let (code, kata) = verify_mutants(&checkout, &id);
    assert_eq!(code, Some(0), "{kata:#}");
    assert_eq!(kata["mutants"]["equivalent"], 1, "{kata:#}");
    assert_eq!(kata["mutants"]["missed"], 0, "{kata:#}");

    // An entry for a mutant that is not generated (any more) is stale.
    let stale = format!(
        "{recorded}\n[[equivalent_mutants]]\nmutant = \"replace double_after -> u64 with 7\"\nwhy = \"no such mutant\"\n"
    );
    checkout.write(&kata_toml, &stale);
    let (code, kata) = verify_mutants(&checkout, &id);
    assert_eq!(code, Some(1), "{kata:#}");
    let problems = problems_of(&kata);
    assert!(
        problems.len() == 1
            && problems[0].contains("\"replace double_after -> u64 with 7\"")
            && problems[0].contains("is stale"),
        "{problems:#?}"
    );
}
