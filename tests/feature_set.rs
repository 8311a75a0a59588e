//! One build of each shared dependency for the grader and the katas.
//!
//! Cargo unifies a crate's features only among the packages of one build, and
//! a crate built with other features is another crate: if the grader turned
//! on a feature of mio that the katas do not, a fresh clone would compile mio,
//! tokio and everything above them twice (once for `cargo run -p grader`, once
//! for the katas it grades). `katas/support/workspace-hack` asks for the union
//! of both feature sets; this test fails when a dependency change makes them
//! drift apart, and says which crate and which features to add there.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::repo;

/// `name version` -> the features `cargo tree` resolves for it when building
/// these packages together (with their dev-dependencies, as the grader does).
fn resolved_features(packages: &[String]) -> BTreeMap<String, String> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(["tree", "--locked", "--prefix", "none", "--no-dedupe"])
        .args(["-e", "normal,build,dev", "-f", "{p}|{f}"])
        .current_dir(repo());
    for package in packages {
        cmd.args(["-p", package]);
    }
    let output = cmd.output().expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut features = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, list)) = line.split_once('|') else {
            continue;
        };
        // "tokio v1.47.0" (path packages add their folder, which we drop).
        let id: Vec<&str> = package.split(' ').take(2).collect();
        features.insert(id.join(" "), list.to_string());
    }
    features
}

#[test]
fn the_grader_and_the_katas_build_shared_dependencies_with_the_same_features() {
    let mut katas: Vec<String> = std::fs::read_dir(repo().join("katas"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.join("Cargo.toml").is_file())
        // katas/07-timeout is package kata-07-timeout, katas/support kata-support.
        .map(|dir| format!("kata-{}", dir.file_name().unwrap().to_string_lossy()))
        .collect();
    katas.sort();
    assert!(katas.len() > 30, "found only {katas:?} under katas/");

    let grader = resolved_features(&["grader".to_string()]);
    let katas = resolved_features(&katas);
    let drifted: Vec<String> = grader
        .iter()
        .filter_map(|(crate_id, in_grader)| {
            let in_katas = katas.get(crate_id)?;
            (in_katas != in_grader)
                .then(|| format!("  {crate_id}: grader [{in_grader}], katas [{in_katas}]"))
        })
        .collect();
    assert!(
        drifted.is_empty(),
        "these crates would be compiled twice, once per feature set:\n{}\n\
         Add the union of each one's features to katas/support/workspace-hack/Cargo.toml \
         (proc-macro crates such as syn under [build-dependencies]).",
        drifted.join("\n")
    );
    assert!(
        grader.contains_key(
            &katas
                .keys()
                .find(|k| k.starts_with("tokio v"))
                .unwrap()
                .clone()
        ),
        "the grader and the katas no longer share tokio: is this test still looking at the right builds?"
    );
}
