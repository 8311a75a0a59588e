//! Building code other than the learner's, without touching the learner's tree.
//!
//! `--solutions` and `verify` grade files that are not `katas/NN/src/lib.rs`
//! (reference solutions, known-wrong solutions). Copying them over the
//! learner's file would risk their work, and building them as the same
//! package would make their next run rebuild. Instead we generate a small
//! workspace under `.grader/overlay/` (ignored by git): one package per variant, whose
//! library is the variant's file and whose tests are the kata's own test
//! files, by absolute path. It shares the target directory, `Cargo.lock`
//! and dependency set of the real workspace, so tokio is not built again,
//! yet its packages have their own names, so nothing of the learner's build
//! is invalidated.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use toml::{Table, Value};

use super::plan::{Planned, Source, Subject};
use crate::course::discover::Repo;

/// Outside the target directory on purpose: trybuild shortens the paths in
/// compiler messages relative to the package it tests, but not for packages
/// that live inside the target directory, and the expected `.stderr` files
/// hold the short paths.
pub fn overlay_root(repo: &Repo) -> PathBuf {
    repo.root.join(".grader").join("overlay")
}

/// Works out how to build each subject, writing the overlay workspace if any
/// subject needs it. Callers hold the run lock, so no other grader rewrites
/// the overlay meanwhile.
pub fn plan<'a>(repo: &Repo, subjects: &[Subject<'a>]) -> Result<Vec<Planned<'a>>> {
    let root = overlay_root(repo);
    let needs_overlay = subjects.iter().any(|s| s.source != Source::Working);
    let mut planned = Vec::new();
    for subject in subjects {
        match &subject.source {
            Source::Working => planned.push(Planned {
                subject: subject.clone(),
                workspace_manifest: repo.root.join("Cargo.toml"),
                package: subject.kata.package.clone(),
                manifest_dir: subject.kata.dir.clone(),
            }),
            Source::File(_) | Source::Mutant { .. } => {
                let files = Files::of(subject).expect("not the working tree");
                let member = member_name(subject, &files);
                let dir = root.join(&member);
                let package = format!("{PACKAGE_PREFIX}{member}");
                let manifest = member_manifest(subject, &package, &files)?;
                write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
                write_if_changed(&dir.join(LIB_MARKER), &files.variant.display().to_string())?;
                mirror_kata_files(&subject.kata.dir, &dir)?;
                planned.push(Planned {
                    subject: subject.clone(),
                    workspace_manifest: root.join("Cargo.toml"),
                    package,
                    manifest_dir: dir,
                });
            }
        }
    }
    if needs_overlay {
        let members = live_members(repo, &root)?;
        write_if_changed(
            &root.join("Cargo.toml"),
            &workspace_manifest(repo, &members)?,
        )?;
        // Same versions as the real workspace, so the dependencies built for
        // the learner are reused as they are.
        let lock_file = repo.root.join("Cargo.lock");
        if lock_file.is_file() {
            let text = std::fs::read_to_string(&lock_file)?;
            write_if_changed(&root.join("Cargo.lock"), &text)?;
        }
    }
    Ok(planned)
}

/// Overlay packages are named `overlay-<kata>--<variant>-<hash>`.
pub const PACKAGE_PREFIX: &str = "overlay-";

/// What an overlay member is built from.
struct Files {
    /// The library: a solution file, or a tests kata's implementation
    /// (the course's own, or a mutant of it).
    lib: PathBuf,
    /// A tests kata's learner's tests, when they are not `src/lib.rs`.
    tests: Option<PathBuf>,
    /// The file that makes this variant: when it is gone (a deleted
    /// temporary folder), so is the member.
    variant: PathBuf,
}

impl Files {
    fn of(subject: &Subject<'_>) -> Option<Files> {
        let kata = subject.kata;
        match &subject.source {
            Source::Working => None,
            // A tests kata's variants are test files: the implementation
            // they test stays the course's.
            Source::File(file) if kata.is_tests_kata() => Some(Files {
                lib: kata.lib_path.clone(),
                tests: Some(file.clone()),
                variant: file.clone(),
            }),
            Source::File(file) => Some(Files {
                lib: file.clone(),
                tests: None,
                variant: file.clone(),
            }),
            Source::Mutant { lib, tests } => Some(Files {
                lib: lib.clone(),
                tests: Some(tests.clone().unwrap_or_else(|| kata.learner_file())),
                variant: lib.clone(),
            }),
        }
    }
}

/// The files' paths are part of the name, so the same variant from two
/// folders (solutions/ and a student's) never clash.
fn member_name(subject: &Subject<'_>, files: &Files) -> String {
    let mut hash = path_hash(&files.lib);
    if let Some(tests) = &files.tests {
        hash ^= path_hash(tests).rotate_left(16);
    }
    format!("{}--{}-{hash:08x}", subject.kata.id, subject.variant)
}

/// Deletes what was built for `subject` (an overlay variant) and its member
/// folder: `verify --discard-builds` frees each known-wrong solution's test
/// binaries once they are graded. The next grading builds it again.
pub fn discard(repo: &Repo, subject: &Subject<'_>) {
    let Some(files) = Files::of(subject) else {
        return;
    };
    let member = member_name(subject, &files);
    let dir = overlay_root(repo).join(&member);
    remove_outputs(repo, &dir, &format!("{PACKAGE_PREFIX}{member}"));
    let _ = std::fs::remove_dir_all(&dir);
    // A tests kata's test file was also built against each mutant.
    if let Source::File(tests) = &subject.source
        && subject.kata.is_tests_kata()
    {
        for mutant in &subject.kata.mutants {
            let name = mutant
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            discard(
                repo,
                &Subject {
                    kata: subject.kata,
                    source: Source::Mutant {
                        lib: mutant.clone(),
                        tests: Some(tests.clone()),
                    },
                    variant: crate::pipeline::plan::Variant::Mutant(
                        Box::new(subject.variant.clone()),
                        name,
                    ),
                },
            );
        }
    }
}

/// Each member records which file is its library; a member whose file is
/// gone (a deleted temporary folder) is removed rather than breaking the
/// workspace for everyone, and so is what cargo built for it.
const LIB_MARKER: &str = "lib-source";

/// The files cargo last built for a member, one path per line.
const OUTPUTS: &str = "outputs";

fn live_members(repo: &Repo, root: &Path) -> Result<Vec<String>> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let dir = entry?.path();
        let Ok(lib) = std::fs::read_to_string(dir.join(LIB_MARKER)) else {
            continue;
        };
        let member = dir.file_name().unwrap().to_string_lossy().to_string();
        if Path::new(&lib).is_file() {
            members.push(member);
        } else {
            remove_outputs(repo, &dir, &format!("{PACKAGE_PREFIX}{member}"));
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    members.sort();
    Ok(members)
}

/// Remembers what cargo built for `planned` (an overlay member), so that
/// the files can go when the member does.
pub fn record_outputs(planned: &Planned<'_>, outputs: &std::collections::BTreeSet<PathBuf>) {
    if !planned.package.starts_with(PACKAGE_PREFIX) || outputs.is_empty() {
        return;
    }
    let list: String = outputs
        .iter()
        .map(|path| format!("{}\n", path.display()))
        .collect();
    let _ = write_if_changed(&planned.manifest_dir.join(OUTPUTS), &list);
}

/// Test binaries are megabytes each, and every graded folder that was
/// deleted since (a student's temporary checkout, a test's scratch folder)
/// would otherwise leave its build in the target directory for good.
fn remove_outputs(repo: &Repo, member_dir: &Path, package: &str) {
    let list = std::fs::read_to_string(member_dir.join(OUTPUTS)).unwrap_or_default();
    for line in list.lines() {
        let path = Path::new(line);
        // Only ever files of our own target directory.
        if path.starts_with(&repo.target_dir) && !line.contains("/../") {
            let _ = std::fs::remove_file(path);
        }
    }
    let _ = super::provenance::forget(repo, &[package]);
}

/// Tools that look for files relative to `CARGO_MANIFEST_DIR` (trybuild's
/// case files and their expected `.stderr`, fixtures) must find the kata's
/// own: the member links to everything in the kata but its code and manifest.
fn mirror_kata_files(kata_dir: &Path, member_dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(kata_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "src" || name == "Cargo.toml" || name == "target" {
            continue;
        }
        // A symbolic link, or where links need privileges a copy kept in
        // step (written only where it differs, so cargo does not rebuild).
        crate::platform::link(&entry.path(), &member_dir.join(&name))
            .with_context(|| format!("cannot link {} into the overlay", entry.path().display()))?;
    }
    Ok(())
}

fn path_hash(path: &Path) -> u32 {
    use std::hash::{Hash, Hasher};
    // DefaultHasher::new() uses fixed keys: the same path gives the same
    // name on every run, so cargo finds its previous build.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish() as u32
}

/// The real workspace's manifest, and the part of its `[workspace]` table a
/// generated workspace shares (resolver, package defaults, dependency table
/// with absolute paths, lints), so that it builds with the same dependency
/// set and tokio is not built again.
pub fn shared_workspace(repo: &Repo) -> Result<(Table, Table)> {
    let real: Table = read_toml(&repo.root.join("Cargo.toml"))?;
    let real_ws = real
        .get("workspace")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut ws = Table::new();
    ws.insert("resolver".into(), Value::String("2".into()));
    for key in ["package", "dependencies", "lints"] {
        if let Some(value) = real_ws.get(key) {
            let mut value = value.clone();
            if key == "dependencies" {
                absolutize_paths(&mut value, &repo.root);
            }
            ws.insert(key.into(), value);
        }
    }
    Ok((real, ws))
}

/// The overlay's root manifest: the real workspace's dependency table and
/// profiles, with relative paths made absolute.
fn workspace_manifest(repo: &Repo, members: &[String]) -> Result<String> {
    let (real, mut ws) = shared_workspace(repo)?;
    ws.insert(
        "members".into(),
        Value::Array(members.iter().cloned().map(Value::String).collect()),
    );
    let mut out = Table::new();
    out.insert("workspace".into(), Value::Table(ws));
    let mut profiles = real
        .get("profile")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    // Each variant is a package of its own, built once per change of its
    // file: incremental caches (tens of MB each, over 200 variants in
    // `verify`) would cost disk and buy nothing. Only the variants go
    // without: the path packages they share with the learner's workspace
    // (kata-support, workspace-hack) must be built with the very same
    // settings, or each switch between the two workspaces rebuilds them and
    // every kata above them.
    let dev = profiles
        .entry("dev")
        .or_insert_with(|| Value::Table(Table::new()));
    if let Some(dev) = dev.as_table_mut() {
        let overrides = dev
            .entry("package")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Some(overrides) = overrides.as_table_mut() {
            for member in members {
                let mut no_cache = Table::new();
                no_cache.insert("incremental".into(), Value::Boolean(false));
                overrides.insert(format!("{PACKAGE_PREFIX}{member}"), Value::Table(no_cache));
            }
        }
    }
    out.insert("profile".into(), Value::Table(profiles));
    Ok(format!(
        "# Generated by the grader: reference and known-wrong solutions, built\n\
         # beside the learner's workspace without touching it. Do not edit.\n{}",
        toml::to_string(&out)?
    ))
}

/// A member's manifest: the kata's own, renamed, with the variant's file as
/// its library and the kata's test files as its tests (in a tests kata, the
/// learner's test file replaced by the variant's).
fn member_manifest(subject: &Subject<'_>, package: &str, files: &Files) -> Result<String> {
    let lib = &files.lib;
    let learner_file = subject.kata.learner_file();
    let kata = subject.kata;
    let mut manifest = read_toml(&kata.manifest_path)?;
    let pkg = manifest
        .get_mut("package")
        .and_then(Value::as_table_mut)
        .with_context(|| format!("{} has no [package]", kata.manifest_path.display()))?;
    pkg.insert("name".into(), Value::String(package.into()));
    for auto in ["autotests", "autobins", "autoexamples", "autobenches"] {
        pkg.insert(auto.into(), Value::Boolean(false));
    }
    let mut lib_table = Table::new();
    lib_table.insert("name".into(), Value::String(kata.lib_name.clone()));
    lib_table.insert("path".into(), Value::String(lib.display().to_string()));
    manifest.insert("lib".into(), Value::Table(lib_table));
    let tests = kata
        .test_targets
        .iter()
        .map(|t| {
            let path = match &files.tests {
                Some(tests) if t.src_path == learner_file => tests,
                _ => &t.src_path,
            };
            let mut table = Table::new();
            table.insert("name".into(), Value::String(t.name.clone()));
            table.insert("path".into(), Value::String(path.display().to_string()));
            Value::Table(table)
        })
        .collect();
    manifest.insert("test".into(), Value::Array(tests));
    for section in ["bin", "example", "bench"] {
        manifest.remove(section);
    }
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = manifest.get_mut(section) {
            absolutize_paths(deps, &kata.dir);
        }
    }
    Ok(toml::to_string(&manifest)?)
}

/// Rewrites `path = "..."` entries of a dependency table relative to `base`.
pub(crate) fn absolutize_paths(deps: &mut Value, base: &Path) {
    let Some(deps) = deps.as_table_mut() else {
        return;
    };
    for (_, dep) in deps.iter_mut() {
        if let Some(Value::String(path)) = dep.as_table_mut().and_then(|t| t.get_mut("path"))
            && Path::new(path.as_str()).is_relative()
        {
            let absolute = base.join(path.as_str()).display().to_string();
            *path = absolute;
        }
    }
}

pub(crate) fn read_toml(path: &Path) -> Result<Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))
}

/// Writing an unchanged file would still bump its mtime; skipping it keeps
/// cargo from re-checking what did not change.
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().unwrap())?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}
