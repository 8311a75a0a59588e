//! Making sure a test binary was built from this checkout's sources.
//!
//! Cargo names a workspace package's build outputs by the package's path
//! *relative to the workspace root*, so that moving a checkout keeps its
//! build. The flip side: two checkouts of this repository that share one
//! target directory (a `CARGO_TARGET_DIR` set once in a shell profile, a
//! `--trusted-ref` scratch copy, a second clone) share the outputs of
//! `katas/07-timeout` too, and cargo calls them up to date whenever they
//! are newer than this checkout's sources, whoever built them
//! (rust-lang/cargo#17312). The grader would run a test binary compiled from
//! someone else's code.
//!
//! So the grader stamps every output of a package of this checkout it
//! builds (test binaries, and the libraries they link: a kata's, the shared
//! kata-support) with the folder it was built from and the file's
//! modification time. An output cargo reports as fresh (not rebuilt) must
//! carry this checkout's stamp and be unchanged since; otherwise cargo is
//! made to forget that package (its fingerprints are removed) and the build
//! runs again, from the right sources. Checking the test binaries alone is
//! not enough: cargo may relink a binary from this checkout's tests against
//! a library another checkout compiled. The stamps live in
//! `<target>/grader/provenance/`.
//!
//! A stamp also holds a digest of the package's Rust sources and manifest
//! as they were when it was written. Cargo trusts modification times, and
//! those can lie (a clock set back, files restored from an archive with
//! their old dates, the `--trusted-ref` scratch kept between runs): an
//! output whose package's sources are no longer the ones it was stamped
//! with is rebuilt, whatever the dates say.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::discover::Repo;

/// Where a package's outputs come from: its folder, and a digest of its
/// sources as they are now. Computed once per package and run, however
/// many outputs (library, test binaries, build script) it has.
pub struct Origin {
    dir: PathBuf,
    sources: String,
}

impl Origin {
    pub fn of(manifest_dir: &Path) -> Origin {
        Origin {
            dir: manifest_dir.to_path_buf(),
            sources: sources_digest(manifest_dir),
        }
    }

    fn stamp_text(&self, modified: &str) -> String {
        format!("{}\n{modified}\n{}\n", self.dir.display(), self.sources)
    }
}

/// Whether `binary`, which cargo did not rebuild, is the one this grader
/// last built from `origin`.
pub fn is_ours(repo: &Repo, binary: &Path, origin: &Origin) -> bool {
    let (Ok(stamp), Some(modified)) = (
        std::fs::read_to_string(stamp_path(repo, binary)),
        modified(binary),
    ) else {
        return false;
    };
    stamp == origin.stamp_text(&modified)
}

/// Records that `binary` was built from `origin`.
pub fn stamp(repo: &Repo, binary: &Path, origin: &Origin) -> Result<()> {
    let Some(modified) = modified(binary) else {
        return Ok(());
    };
    let path = stamp_path(repo, binary);
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(path, origin.stamp_text(&modified))?;
    Ok(())
}

/// One stamp per output *path*: file names alone repeat (every package's
/// build script is a `build-script-build`, and a package built with two
/// feature sets has two of them), and two outputs sharing a stamp would
/// each find the other's there and be rebuilt on every switch.
fn stamp_path(repo: &Repo, binary: &Path) -> PathBuf {
    let relative = binary.strip_prefix(&repo.target_dir).unwrap_or(binary);
    // By components, so that Windows' `\` and a drive prefix are flattened
    // like Unix's `/`.
    let name: String = relative
        .components()
        .filter_map(|part| match part {
            std::path::Component::Normal(name) => Some(name.to_string_lossy()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("%");
    repo.target_dir.join("grader").join("provenance").join(name)
}

/// A digest of the package's `*.rs` files and `Cargo.toml` (names and
/// contents, `target/` left out): what rustc compiles from that folder.
/// Unreadable files count as changed, so the output is rebuilt.
fn sources_digest(manifest_dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    rust_sources(manifest_dir, manifest_dir, &mut files);
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let content = std::fs::read(manifest_dir.join(file)).unwrap_or_else(|_| {
            // A fresh value each time: never equal to a stamp.
            format!("unreadable {:?}", std::time::Instant::now()).into_bytes()
        });
        for part in [file.as_os_str().as_encoded_bytes(), &content] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn rust_sources(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && entry.file_name() != "target" {
            rust_sources(root, &path, files);
        } else if !kind.is_dir()
            && (path.extension().is_some_and(|e| e == "rs") || entry.file_name() == "Cargo.toml")
        {
            files.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
}

/// The modification time, to the nanosecond, as text.
fn modified(binary: &Path) -> Option<String> {
    let time = std::fs::metadata(binary).ok()?.modified().ok()?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{}.{:09}", since.as_secs(), since.subsec_nanos()))
}

/// Makes cargo forget what it built for `packages`, so that the next build
/// compiles them again from this checkout's sources.
///
/// Cargo decides freshness from the fingerprint directories named
/// `<package>-<hash>` under `.fingerprint/`; removing exactly those makes it
/// rebuild these packages and nothing else. (`cargo clean -p` would also
/// delete every other package's binaries that share a target name, such as
/// every kata's `grading-*`.)
pub fn forget(repo: &Repo, packages: &[&str]) -> Result<()> {
    let fingerprints = repo.target_dir.join("debug").join(".fingerprint");
    let Ok(entries) = std::fs::read_dir(&fingerprints) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let owned = packages.iter().any(|package| {
            name.strip_prefix(package)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        });
        if owned {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with no katas whose target directory is `dir/target`.
    fn repo_in(dir: &Path) -> Repo {
        Repo {
            root: dir.to_path_buf(),
            target_dir: dir.join("target"),
            katas: Vec::new(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn forgetting_a_package_removes_only_its_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_in(dir.path());
        let fingerprints = repo.target_dir.join("debug/.fingerprint");
        for name in [
            "kata-07-timeout-0123456789abcdef",
            "kata-07-timeout-extra-0123456789abcdef",
            "kata-08-x-0123456789abcdef",
        ] {
            std::fs::create_dir_all(fingerprints.join(name)).unwrap();
        }
        forget(&repo, &["kata-07-timeout"]).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&fingerprints)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "kata-07-timeout-extra-0123456789abcdef",
                "kata-08-x-0123456789abcdef"
            ]
        );
    }

    #[test]
    fn a_binary_is_ours_only_if_stamped_for_this_checkout_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_in(dir.path());
        let binary = dir.path().join("grading-0123");
        std::fs::write(&binary, "built here").unwrap();
        let ours = Path::new("/checkout/a/katas/07-timeout");
        assert!(!is_ours(&repo, &binary, &Origin::of(ours)), "never stamped");
        stamp(&repo, &binary, &Origin::of(ours)).unwrap();
        assert!(is_ours(&repo, &binary, &Origin::of(ours)));
        assert!(!is_ours(
            &repo,
            &binary,
            &Origin::of(Path::new("/checkout/b/katas/07-timeout"))
        ));
        // Rebuilt since (by another checkout's cargo).
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&binary)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert!(!is_ours(&repo, &binary, &Origin::of(ours)));
    }

    #[test]
    fn a_binary_whose_sources_changed_is_not_ours_whatever_the_dates() {
        // Files restored with old dates (a CI cache, a scratch kept between
        // runs) can make cargo call an output fresh that was built from
        // other sources: the stamp's digest of the sources says otherwise.
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_in(dir.path());
        let kata = dir.path().join("katas/07-timeout");
        std::fs::create_dir_all(kata.join("src")).unwrap();
        std::fs::create_dir_all(kata.join("target")).unwrap();
        std::fs::write(kata.join("src/lib.rs"), "pub fn stub() {}").unwrap();
        std::fs::write(kata.join("README.md"), "read me").unwrap();
        let binary = dir.path().join("grading-0123");
        std::fs::write(&binary, "built from the stub").unwrap();
        stamp(&repo, &binary, &Origin::of(&kata)).unwrap();
        assert!(is_ours(&repo, &binary, &Origin::of(&kata)));
        // Neither prose nor build outputs inside the package are sources.
        std::fs::write(kata.join("README.md"), "edited").unwrap();
        std::fs::write(kata.join("target/x.rs"), "output").unwrap();
        assert!(is_ours(&repo, &binary, &Origin::of(&kata)));
        std::fs::write(kata.join("src/lib.rs"), "pub fn solved() {}").unwrap();
        assert!(
            !is_ours(&repo, &binary, &Origin::of(&kata)),
            "the library changed"
        );
        std::fs::write(kata.join("src/lib.rs"), "pub fn stub() {}").unwrap();
        assert!(
            is_ours(&repo, &binary, &Origin::of(&kata)),
            "back as it was stamped"
        );
        std::fs::write(kata.join("src/extra.rs"), "").unwrap();
        assert!(!is_ours(&repo, &binary, &Origin::of(&kata)), "a new module");
    }

    #[test]
    fn outputs_with_the_same_file_name_keep_stamps_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_in(dir.path());
        let hack = Path::new("/checkout/a/katas/support/workspace-hack");
        let scripts: Vec<PathBuf> = ["workspace-hack-0123", "workspace-hack-4567"]
            .iter()
            .map(|unit| {
                let script = repo
                    .target_dir
                    .join("debug/build")
                    .join(unit)
                    .join("build-script-build");
                std::fs::create_dir_all(script.parent().unwrap()).unwrap();
                std::fs::write(&script, unit).unwrap();
                stamp(&repo, &script, &Origin::of(hack)).unwrap();
                script
            })
            .collect();
        for script in &scripts {
            assert!(
                is_ours(&repo, script, &Origin::of(hack)),
                "{}",
                script.display()
            );
        }
    }
}
