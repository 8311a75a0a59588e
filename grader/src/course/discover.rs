//! Step 1 of the pipeline: find the repository and its katas.
//!
//! Cargo already knows the workspace (packages, their targets, the target
//! directory), so we ask it once with `cargo metadata` and pair each kata
//! package with its `kata.toml`. Everything later in the pipeline works from
//! the plain data collected here.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cargo_metadata::{MetadataCommand, Package};

use crate::app::UsageError;
use crate::course::kata_file::KataFile;

/// The repository being graded.
#[derive(Debug, Clone)]
pub struct Repo {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub katas: Vec<Kata>,
    /// Folders that look like katas but cannot be graded (a malformed
    /// `kata.toml`, no tests, no `src/lib.rs`): reported as failed, with the
    /// reason, while every other kata is graded.
    pub problems: Vec<Problem>,
}

/// A kata folder that cannot be graded, and why.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The folder's name, `08-select`.
    pub id: String,
    pub number: u32,
    /// Its `kata.toml`, when that much could be read (for the title).
    pub meta: Option<KataFile>,
    /// What is wrong and what to do, naming the file.
    pub message: String,
}

/// One kata: a crate under `katas/NN-slug/`.
#[derive(Debug, Clone)]
pub struct Kata {
    /// `07-timeout`: the directory name, used everywhere a kata is named.
    pub id: String,
    pub number: u32,
    pub slug: String,
    pub dir: PathBuf,
    pub manifest_path: PathBuf,
    /// The cargo package name (`kata-07-timeout`).
    pub package: String,
    /// The library's crate name, which the grading tests import.
    pub lib_name: String,
    /// The grading test targets (`tests/*.rs`), which the learner never edits.
    /// In a tests kata, one of them is the learner's own: `src/lib.rs`.
    pub test_targets: Vec<TestTarget>,
    /// The library's root file: `src/lib.rs`, or in a tests kata the
    /// course's implementation under test (`subject/lib.rs`).
    pub lib_path: PathBuf,
    /// A tests kata's mutants (`mutants/*.rs`): the implementations the
    /// learner's tests must catch.
    pub mutants: Vec<PathBuf>,
    pub meta: KataFile,
}

#[derive(Debug, Clone)]
pub struct TestTarget {
    pub name: String,
    pub src_path: PathBuf,
}

impl Kata {
    /// Whether the learner writes this kata's tests (`kind = "tests"`).
    pub fn is_tests_kata(&self) -> bool {
        self.meta.kind == crate::course::kata_file::KataKind::Tests
    }

    /// The learner's file: `katas/NN/src/lib.rs`, their code or, in a tests
    /// kata, their tests.
    pub fn learner_file(&self) -> PathBuf {
        self.dir.join("src").join("lib.rs")
    }

    /// The test target that is the learner's own file (tests katas only).
    pub fn learner_target(&self) -> Option<&TestTarget> {
        let file = self.learner_file();
        self.test_targets.iter().find(|t| t.src_path == file)
    }

    /// Where the reference solution and the known-wrong ones live.
    pub fn solution_dir(&self, solutions_root: &Path) -> PathBuf {
        solutions_root.join(&self.id)
    }
}

/// Finds the repository from `start` (the current directory) upwards.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        if dir.join("Cargo.toml").is_file()
            && dir.join("katas").is_dir()
            && dir.join("grader").is_dir()
        {
            return Ok(dir.to_path_buf());
        }
    }
    Err(UsageError(format!(
        "not inside the Tokio Katas repository (looked upwards from {}).\n\
         Run the grader from the folder you cloned the course into (the one with katas/ and\n\
         grader/ in it): go there with `cd`, then run `cargo run -p grader`.",
        start.display()
    ))
    .into())
}

/// Reads the workspace with `cargo metadata` and loads every kata in it.
pub fn discover(root: &Path) -> Result<Repo> {
    refuse_folders_cargo_cannot_load(root)?;
    // Run in the repository, not wherever the grader was started: cargo and
    // rustup read `.cargo/config.toml` and the toolchain file from there.
    let metadata = crate::course::metadata_cache::metadata(root, || {
        MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .current_dir(root)
        .no_deps()
        .exec()
        .map_err(|e| match e {
            cargo_metadata::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => anyhow::Error::new(UsageError(
                "cargo was not found on your PATH. Install Rust with rustup (https://rustup.rs), \
                 open a new terminal, and run `cargo run -p grader` in the repository again."
                    .into(),
            )),
            other => anyhow::Error::new(other).context("`cargo metadata` could not read the workspace: is its Cargo.toml valid?"),
        })
    })?;
    let katas_dir = root.join("katas");
    let mut katas = Vec::new();
    let mut problems = Vec::new();
    for package in metadata.workspace_packages() {
        let manifest_path: PathBuf = package.manifest_path.clone().into();
        let dir = manifest_path.parent().unwrap().to_path_buf();
        if dir.parent() != Some(katas_dir.as_path()) {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some((number, slug)) = parse_kata_dir_name(&name) else {
            continue; // katas/support and friends: not katas.
        };
        match load_kata(package, &dir, name.clone(), number, slug) {
            Ok(kata) => katas.push(kata),
            Err(e) => problems.push(Problem {
                meta: KataFile::load(&dir.join("kata.toml")).ok(),
                id: name,
                number,
                message: format!("{e:#}"),
            }),
        }
    }
    // A folder that looks like a kata but that cargo does not know about is a
    // mistake worth reporting: its tests would silently never run.
    for entry in std::fs::read_dir(&katas_dir).context("cannot read katas/")? {
        let path = entry?.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some((number, _)) = parse_kata_dir_name(&name) else {
            continue;
        };
        if path.is_dir()
            && !katas.iter().any(|k| k.id == name)
            && !problems.iter().any(|p| p.id == name)
        {
            problems.push(Problem {
                meta: KataFile::load(&path.join("kata.toml")).ok(),
                id: name.clone(),
                number,
                message: format!(
                    "katas/{name} looks like a kata but is not a workspace package: it needs a \
                     Cargo.toml (the workspace includes katas/* automatically). If you did not \
                     mean to change it, restore it: git checkout HEAD -- katas/{name}"
                ),
            });
        }
    }
    katas.sort_by(|a, b| (a.number, &a.id).cmp(&(b.number, &b.id)));
    // Two katas with one number cannot both be `07`, and which one is meant
    // is anyone's guess: both are reported instead of graded.
    let shared: Vec<u32> = katas
        .windows(2)
        .filter(|w| w[0].number == w[1].number)
        .map(|w| w[0].number)
        .collect();
    let (clashing, kept): (Vec<Kata>, Vec<Kata>) =
        katas.into_iter().partition(|k| shared.contains(&k.number));
    katas = kept;
    for kata in &clashing {
        let others: Vec<String> = clashing
            .iter()
            .filter(|k| k.number == kata.number && k.id != kata.id)
            .map(|k| format!("katas/{}", k.id))
            .collect();
        problems.push(Problem {
            message: format!(
                "katas/{} has the same number as {}: renumber one of them (rename its folder)",
                kata.id,
                others.join(" and ")
            ),
            id: kata.id.clone(),
            number: kata.number,
            meta: Some(kata.meta.clone()),
        });
    }
    problems.sort_by(|a, b| (a.number, &a.id).cmp(&(b.number, &b.id)));
    Ok(Repo {
        root: root.to_path_buf(),
        target_dir: metadata.target_directory.into(),
        katas,
        problems,
    })
}

/// The workspace takes every folder in `katas/` as a member, and cargo
/// refuses to load a workspace with a member it cannot read: one folder
/// without a `Cargo.toml` stops every kata from building. Say which, and
/// what to do, before cargo says something less helpful.
fn refuse_folders_cargo_cannot_load(root: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(root.join("katas")) else {
        return Ok(());
    };
    let mut missing: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir() && !e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    missing.sort();
    let Some(name) = missing.first() else {
        return Ok(());
    };
    Err(UsageError(format!(
        "katas/{name} has no Cargo.toml. Every folder in katas/ is part of the cargo workspace, \
         and cargo cannot build any kata while one of them has no manifest. Restore it \
         (git checkout HEAD -- katas/{name}), give it a Cargo.toml, or move the folder out of \
         katas/."
    ))
    .into())
}

fn load_kata(package: &Package, dir: &Path, id: String, number: u32, slug: String) -> Result<Kata> {
    let meta = KataFile::load(&dir.join("kata.toml"))?;
    let lib = package
        .targets
        .iter()
        .find(|t| t.is_lib())
        .with_context(|| {
            format!(
                "katas/{id} has no src/lib.rs: a kata is a library crate, and src/lib.rs is the \
                 file you write. Restore the stub with: git checkout HEAD -- katas/{id}/src/lib.rs"
            )
        })?;
    let test_targets = package
        .targets
        .iter()
        .filter(|t| t.is_test())
        .map(|t| TestTarget {
            name: t.name.clone(),
            src_path: t.src_path.clone().into(),
        })
        .collect::<Vec<_>>();
    if test_targets.is_empty() {
        bail!(
            "katas/{id} has no grading tests, so there is nothing to grade it with: its tests/ \
             folder is missing or empty. Add a test file there, or, if yours were deleted, \
             restore them with: git checkout HEAD -- katas/{id}/tests"
        );
    }
    let mut kata = Kata {
        id,
        number,
        slug,
        dir: dir.to_path_buf(),
        manifest_path: package.manifest_path.clone().into(),
        package: package.name.to_string(),
        lib_name: lib.name.clone(),
        lib_path: lib.src_path.clone().into(),
        test_targets,
        mutants: Vec::new(),
        meta,
    };
    if kata.is_tests_kata() {
        kata.mutants = tests_kata_mutants(&kata)?;
    }
    Ok(kata)
}

/// A tests kata's mutants, checked for what grading it needs: the learner's
/// file is a test target and there is something for it to catch.
fn tests_kata_mutants(kata: &Kata) -> Result<Vec<PathBuf>> {
    let id = &kata.id;
    if kata.learner_target().is_none() {
        bail!(
            "katas/{id} is a tests kata (kind = \"tests\"), so its src/lib.rs must be a test \
             target: add `[[test]] name = \"yours\" path = \"src/lib.rs\"` to its Cargo.toml, \
             and point `[lib] path` at the implementation under test"
        );
    }
    let mut mutants: Vec<PathBuf> = std::fs::read_dir(kata.dir.join("mutants"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        })
        .unwrap_or_default();
    mutants.sort();
    if mutants.is_empty() {
        bail!(
            "katas/{id} is a tests kata but has no mutants/*.rs: without implementations to \
             catch, any tests would pass. Restore them with: git checkout HEAD -- katas/{id}/mutants"
        );
    }
    Ok(mutants)
}

/// Up to three katas whose names are close to `wanted`: similar spelling,
/// or a word in common ("sleep" finds `no-thread-sleep`).
fn closest<'a>(katas: &'a [Kata], wanted: &str) -> Vec<&'a Kata> {
    let words: Vec<&str> = wanted
        .split(['-', '_', ' '])
        .filter(|w| w.len() > 2)
        .collect();
    let mut scored: Vec<(f64, &Kata)> = katas
        .iter()
        .map(|k| {
            let spelling =
                strsim::jaro_winkler(wanted, &k.slug).max(strsim::jaro_winkler(wanted, &k.id));
            let shared = words
                .iter()
                .filter(|w| k.slug.split('-').any(|s| s == **w))
                .count();
            (spelling + 0.2 * shared as f64, k)
        })
        .filter(|(score, _)| *score > 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// Splits what the learner typed into the katas that cannot be graded (all
/// of them when nothing was named) and the names left to look up with
/// [`select`]: naming a broken kata reports why it is broken rather than
/// "there is no kata called".
pub fn select_problems<'a>(repo: &'a Repo, names: &[String]) -> (Vec<&'a Problem>, Vec<String>) {
    if names.is_empty() {
        return (repo.problems.iter().collect(), Vec::new());
    }
    let mut problems: Vec<&Problem> = Vec::new();
    let mut rest = Vec::new();
    for name in names {
        let wanted = normalize(name);
        let found = repo.problems.iter().find(|p| {
            let slug = parse_kata_dir_name(&p.id).map(|(_, slug)| slug);
            p.id == wanted
                || slug.as_deref() == Some(wanted.as_str())
                || wanted.parse::<u32>().is_ok_and(|n| n == p.number)
        });
        match found {
            Some(p) if find_kata(&repo.katas, name).is_err() => {
                if !problems.iter().any(|q| q.id == p.id) {
                    problems.push(p);
                }
            }
            _ => rest.push(name.clone()),
        }
    }
    (problems, rest)
}

/// `katas/07-timeout/` → `07-timeout`; `Timeout` → `timeout`.
fn normalize(name: &str) -> String {
    name.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// `07-timeout` → (7, "timeout").
pub fn parse_kata_dir_name(name: &str) -> Option<(u32, String)> {
    let (number, slug) = name.split_once('-')?;
    if number.len() != 2 || !number.bytes().all(|b| b.is_ascii_digit()) || slug.is_empty() {
        return None;
    }
    Some((number.parse().ok()?, slug.to_string()))
}

/// Resolves what the learner typed (`07`, `7`, `timeout`, `07-timeout`).
pub fn select<'a>(katas: &'a [Kata], names: &[String]) -> Result<Vec<&'a Kata>> {
    if names.is_empty() {
        return Ok(katas.iter().collect());
    }
    let mut selected: Vec<&Kata> = Vec::new();
    for name in names {
        let kata = find_kata(katas, name)?;
        if !selected.iter().any(|k| k.id == kata.id) {
            selected.push(kata);
        }
    }
    Ok(selected)
}

pub fn find_kata<'a>(katas: &'a [Kata], name: &str) -> Result<&'a Kata> {
    let wanted = name
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_lowercase();
    let found = katas.iter().find(|k| {
        k.id == wanted || k.slug == wanted || wanted.parse::<u32>().is_ok_and(|n| n == k.number)
    });
    if let Some(kata) = found {
        return Ok(kata);
    }
    let suggestion = match closest(katas, &wanted).as_slice() {
        [] => "Run `cargo run -p grader -- list` to see every kata.".to_string(),
        [only] => format!("Did you mean `{}` ({})?", only.id, only.meta.title),
        several => format!(
            "Did you mean one of: {}?",
            several
                .iter()
                .map(|k| format!("`{}`", k.id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(UsageError(format!(
        "there is no kata called `{name}`. {suggestion}\nName a kata by number (07), slug (timeout) or both (07-timeout)."
    ))
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kata(id: &str) -> Kata {
        let (number, slug) = parse_kata_dir_name(id).unwrap();
        Kata {
            id: id.into(),
            number,
            slug,
            dir: PathBuf::new(),
            manifest_path: PathBuf::new(),
            package: String::new(),
            lib_name: String::new(),
            test_targets: Vec::new(),
            lib_path: PathBuf::new(),
            mutants: Vec::new(),
            meta: KataFile::parse("title = \"t\"\nchapter = 1\nkind = \"fix\"\nhints = [\"h\"]")
                .unwrap(),
        }
    }

    #[test]
    fn suggests_the_closest_names() {
        let katas = [
            kata("07-timeout"),
            kata("15-graceful-shutdown"),
            kata("25-no-thread-sleep"),
        ];
        let ids = |wanted| {
            closest(&katas, wanted)
                .iter()
                .map(|k| k.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("timeuot"), vec!["07-timeout"]);
        assert_eq!(ids("sleep-thread"), vec!["25-no-thread-sleep"]);
        assert!(ids("zzz").is_empty());
    }

    #[test]
    fn kata_directory_names() {
        assert_eq!(
            parse_kata_dir_name("07-timeout"),
            Some((7, "timeout".into()))
        );
        assert_eq!(
            parse_kata_dir_name("23-lock-across-await"),
            Some((23, "lock-across-await".into()))
        );
        assert_eq!(parse_kata_dir_name("support"), None);
        assert_eq!(parse_kata_dir_name("7-timeout"), None);
        assert_eq!(parse_kata_dir_name("07-"), None);
    }
}
