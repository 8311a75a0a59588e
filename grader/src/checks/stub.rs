//! The course's stub of a kata: what `reset` puts back, what tells a kata
//! that is "not started" from one "in progress", and what `verify` grades
//! (never an instructor's edited working file).
//!
//! The stub is taken from git: from the branch the learner's branch tracks
//! (the course's `origin/main` in a fresh clone), so it is the course's stub
//! even after the learner committed their own work; from `HEAD` when there
//! is no upstream. Without git (a ZIP download) there is no stub to compare
//! with, and callers say so or fall back.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use crate::checks::git::run as git;
use crate::course::discover::Kata;

/// `katas/07-timeout/src/lib.rs`: where a kata's code lives, from the root.
pub fn lib_path(kata: &Kata) -> String {
    format!("katas/{}/src/lib.rs", kata.id)
}

/// The revision the stubs come from: the upstream branch, else `HEAD`.
pub fn stub_rev(root: &Path) -> String {
    let upstream = git(
        root,
        &[
            "rev-parse",
            "--abbrev-ref",
            "--symbolic-full-name",
            "@{upstream}",
        ],
    )
    .ok();
    upstream
        .map(|u| String::from_utf8_lossy(&u).trim().to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "HEAD".to_string())
}

/// The stub's bytes and the revision they came from.
pub fn stub(root: &Path, relative: &str) -> Result<(String, Vec<u8>)> {
    let rev = stub_rev(root);
    match git(root, &["show", &format!("{rev}:{relative}")]) {
        Ok(bytes) => Ok((rev, bytes)),
        Err(e) => bail!(
            "cannot find the stub of {relative} in git ({rev}): {e:#}\n\
             reset takes the stub from git, so it needs the repository's history (a git clone)."
        ),
    }
}

/// For each kata, whether its `src/lib.rs` is byte for byte the course's
/// stub. Two git calls for all of them (the stubs' object ids, and those of
/// the files as they are); `None` without git or history.
pub fn untouched(root: &Path, katas: &[&Kata]) -> Option<BTreeMap<String, bool>> {
    if katas.is_empty() {
        return Some(BTreeMap::new());
    }
    let rev = stub_rev(root);
    let paths: Vec<String> = katas.iter().map(|k| lib_path(k)).collect();
    let mut args = vec!["ls-tree", rev.as_str(), "--"];
    args.extend(paths.iter().map(String::as_str));
    let listing = git(root, &args).ok()?;
    // `100644 blob <id>\tkatas/07-timeout/src/lib.rs`
    let stubs: BTreeMap<String, String> = String::from_utf8_lossy(&listing)
        .lines()
        .filter_map(|line| {
            let (meta, path) = line.split_once('\t')?;
            Some((
                path.to_string(),
                meta.split_whitespace().nth(2)?.to_string(),
            ))
        })
        .collect();
    let present: Vec<&String> = paths.iter().filter(|p| root.join(p).is_file()).collect();
    let mut args = vec!["hash-object", "--"];
    args.extend(present.iter().map(|p| p.as_str()));
    let hashed = match present.is_empty() {
        true => Vec::new(),
        false => git(root, &args).ok()?,
    };
    let current: BTreeMap<&str, String> = present
        .iter()
        .map(|p| p.as_str())
        .zip(String::from_utf8_lossy(&hashed).lines().map(str::to_string))
        .collect();
    Some(
        katas
            .iter()
            .zip(&paths)
            .map(|(kata, path)| {
                let same = stubs
                    .get(path)
                    .is_some_and(|id| current.get(path.as_str()) == Some(id));
                (kata.id.clone(), same)
            })
            .collect(),
    )
}
