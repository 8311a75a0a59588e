//! `cargo metadata`, remembered while nothing it reads has changed.
//!
//! Asking cargo for the workspace costs 30–40 ms per run: a twelfth of a
//! one-kata regrade, which is the loop a learner lives in. Its answer
//! (`--no-deps`: packages, their targets, the target directory) only changes
//! when a manifest changes, when a package folder appears or disappears, or
//! when cargo would discover a different set of targets (a new file in
//! `tests/`, `src/bin/`, `examples/`, `benches/`, a `build.rs`). So the
//! answer is stored under `.grader/` with a key made of exactly those: the
//! content of every manifest, cargo configuration and toolchain file, the
//! names of the files that drive target discovery, the variables that move
//! the target directory, and the cargo being run. Anything else misses.
//!
//! A stale answer would be the worst bug this grader can have (a new test
//! file that is never run), so the key errs on the side of missing: when in
//! doubt it includes more, and a miss costs only what caching saves.

use std::path::{Path, PathBuf};

use anyhow::Result;
use cargo_metadata::Metadata;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Serialize, Deserialize)]
struct Stored {
    key: String,
    metadata: Metadata,
}

fn cache_file(root: &Path) -> PathBuf {
    root.join(".grader").join("metadata.json")
}

/// The workspace's metadata: from the cache when its key still holds,
/// otherwise from `run` (which asks cargo), then stored.
pub fn metadata(root: &Path, run: impl FnOnce() -> Result<Metadata>) -> Result<Metadata> {
    let stored: Option<Stored> = std::fs::read(cache_file(root))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    if let Some(stored) = stored {
        // The key covers the packages the stored answer names, and every
        // folder under katas/ (where new packages appear).
        if key(root, &stored.metadata).as_deref() == Some(stored.key.as_str()) {
            return Ok(stored.metadata);
        }
    }
    let metadata = run()?;
    if let Some(key) = key(root, &metadata) {
        let stored = Stored { key, metadata };
        let _ = write(&cache_file(root), &stored);
        return Ok(stored.metadata);
    }
    Ok(metadata)
}

fn write(path: &Path, stored: &Stored) -> Result<()> {
    let dir = path.parent().expect("the cache lives in .grader/");
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(&mut file, stored)?;
    file.persist(path)?;
    Ok(())
}

/// Everything `cargo metadata --no-deps` reads, for the workspace at `root`
/// whose packages `metadata` lists. `None` if something cannot be read.
fn key(root: &Path, metadata: &Metadata) -> Option<String> {
    let mut hash = Sha256::new();
    let mut add = |label: &str, bytes: &[u8]| {
        hash.update(label.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    // Which cargo, and where it builds.
    for var in [
        "CARGO",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_HOME",
        "RUSTUP_TOOLCHAIN",
    ] {
        add(
            var,
            std::env::var_os(var).unwrap_or_default().as_encoded_bytes(),
        );
    }
    add("root", root.as_os_str().as_encoded_bytes());
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        "rust-toolchain",
        ".cargo/config.toml",
        ".cargo/config",
    ] {
        add(file, &optional_content(&root.join(file))?);
    }
    // Every package folder cargo reported, and every folder under katas/
    // (a new kata is a new member of the `katas/*` glob).
    let mut dirs: Vec<PathBuf> = metadata
        .workspace_packages()
        .iter()
        .filter_map(|p| {
            p.manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
        })
        .collect();
    if let Ok(entries) = std::fs::read_dir(root.join("katas")) {
        for entry in entries.flatten() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        add("package", dir.as_os_str().as_encoded_bytes());
        add("manifest", &optional_content(&dir.join("Cargo.toml"))?);
        add("build.rs", &[u8::from(dir.join("build.rs").exists())]);
        // Target auto-discovery looks at these folders' file names.
        for folder in ["src", "tests", "examples", "benches"] {
            add(folder, names_under(&dir.join(folder)).as_bytes());
        }
    }
    Some(format!("{:x}", hash.finalize()))
}

/// A file's bytes, empty when it does not exist, `None` when it cannot be read.
fn optional_content(path: &Path) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Vec::new()),
        Err(_) => None,
    }
}

/// The relative paths of everything under `dir`, sorted, one per line, with
/// a trailing `/` for folders (cargo finds `tests/NAME/main.rs` too).
fn names_under(dir: &Path) -> String {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let relative = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.push(format!("{relative}/"));
                walk(base, &path, out);
            } else {
                out.push(relative);
            }
        }
    }
    let mut names = Vec::new();
    walk(dir, dir, &mut names);
    names.sort();
    names.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A tiny workspace: a root manifest and one kata with a test file.
    /// Writes `text` to `relative` under `root`, making its folders.
    fn put(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A kata package's manifest.
    fn package_manifest(package: &str) -> String {
        format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    }

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        put(
            root,
            "Cargo.toml",
            "[workspace]\nmembers = [\"katas/*\"]\nresolver = \"2\"\n",
        );
        put(
            root,
            "katas/07-timeout/Cargo.toml",
            &package_manifest("kata-07-timeout"),
        );
        put(root, "katas/07-timeout/src/lib.rs", "");
        put(root, "katas/07-timeout/tests/grading.rs", "");
        dir
    }

    fn cargo_metadata(root: &Path) -> Result<Metadata> {
        // The scratch workspace is the whole world of these tests: a target
        // directory set by whoever runs the suite would override the
        // `.cargo/config.toml` one test writes.
        let mut command = cargo_metadata::MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .current_dir(root)
            .no_deps()
            .cargo_command();
        command
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR");
        let output = command.output()?;
        anyhow::ensure!(output.status.success(), "cargo metadata failed");
        Ok(cargo_metadata::MetadataCommand::parse(String::from_utf8(
            output.stdout,
        )?)?)
    }

    /// How many times cargo was asked, over a sequence of reads.
    fn asks(root: &Path, calls: &Cell<u32>) -> Metadata {
        metadata(root, || {
            calls.set(calls.get() + 1);
            cargo_metadata(root)
        })
        .unwrap()
    }

    fn test_targets(metadata: &Metadata) -> Vec<String> {
        let mut names: Vec<String> = metadata
            .workspace_packages()
            .iter()
            .flat_map(|p| p.targets.iter())
            .filter(|t| t.is_test())
            .map(|t| t.name.clone())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_unchanged_workspace_is_answered_from_the_cache() {
        let dir = workspace();
        let calls = Cell::new(0);
        let first = asks(dir.path(), &calls);
        let second = asks(dir.path(), &calls);
        assert_eq!(calls.get(), 1);
        assert_eq!(test_targets(&first), test_targets(&second));
        // Editing code (not a manifest, not a file name) keeps the answer.
        std::fs::write(
            dir.path().join("katas/07-timeout/src/lib.rs"),
            "pub fn f() {}",
        )
        .unwrap();
        asks(dir.path(), &calls);
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn a_new_test_file_is_seen() {
        let dir = workspace();
        let calls = Cell::new(0);
        asks(dir.path(), &calls);
        std::fs::write(dir.path().join("katas/07-timeout/tests/extra.rs"), "").unwrap();
        let after = asks(dir.path(), &calls);
        assert_eq!(calls.get(), 2);
        assert_eq!(test_targets(&after), ["extra", "grading"]);
    }

    #[test]
    fn a_changed_manifest_a_new_kata_or_another_target_dir_misses() {
        let dir = workspace();
        let root = dir.path();
        let calls = Cell::new(0);
        asks(root, &calls);
        let manifest = root.join("katas/07-timeout/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, format!("{text}\n[dependencies]\n")).unwrap();
        asks(root, &calls);
        assert_eq!(calls.get(), 2);

        put(root, "katas/08-retry/src/lib.rs", "");
        put(
            root,
            "katas/08-retry/Cargo.toml",
            &package_manifest("kata-08-retry"),
        );
        let after = asks(root, &calls);
        assert_eq!(calls.get(), 3);
        assert_eq!(after.workspace_packages().len(), 2);

        put(
            root,
            ".cargo/config.toml",
            "[build]\ntarget-dir = \"elsewhere\"\n",
        );
        let after = asks(root, &calls);
        assert_eq!(calls.get(), 4);
        assert!(after.target_directory.ends_with("elsewhere"));
    }
}
