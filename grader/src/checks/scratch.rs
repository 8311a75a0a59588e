//! The scratch repository `--trusted-ref` grades, kept from one run to the next.
//!
//! Cargo decides what to rebuild from modification times: an output is fresh
//! when no source it was built from is newer. A scratch repository unpacked
//! anew on every run has only new files, so every kata was rebuilt each time
//! (18 of 22 seconds of a trusted grade went to that build). So the scratch
//! has a fixed place per target directory, and each run brings it up to date
//! file by file: a file whose content is unchanged is left alone, with its
//! old modification time, and a changed or new one is written now. Cargo
//! then rebuilds the katas whose files changed, and only those.
//!
//! Content decides, never a time we set: a file that goes back to what it
//! was two runs ago is written again, so it is newer than anything built
//! from the version in between. One grader at a time uses a scratch (a lock
//! file held for the whole run).

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// A scratch directory, locked for this run.
pub struct Scratch {
    dir: PathBuf,
    _lock: File,
}

impl Scratch {
    /// The scratch for builds into `target_dir`, created if need be; waits
    /// while another grader uses it.
    pub fn open(target_dir: &Path) -> Result<Scratch> {
        let dir = place_for(target_dir);
        std::fs::create_dir_all(&dir).with_context(|| {
            format!(
                "cannot create the scratch directory for --trusted-ref at {}",
                dir.display()
            )
        })?;
        let lock = File::create(dir.join("lock"))
            .with_context(|| format!("cannot create a lock file in {}", dir.display()))?;
        if lock.try_lock().is_err() {
            eprintln!(
                "Another grader is grading against a trusted ref with this target directory; \
                 waiting for it to finish…"
            );
            lock.lock()
                .context("cannot lock the --trusted-ref scratch directory")?;
        }
        Ok(Scratch { dir, _lock: lock })
    }

    /// A new, empty folder in the scratch directory (so on the same file
    /// system), deleted when dropped or on Ctrl-C.
    pub fn staging(&self) -> Result<tempfile::TempDir> {
        let staging = tempfile::Builder::new()
            .prefix("staging-")
            .tempdir_in(&self.dir)
            .context("cannot create a staging folder for --trusted-ref")?;
        crate::app::remove_on_interrupt(staging.path());
        Ok(staging)
    }

    /// Makes the scratch repository hold exactly the files of `staged`,
    /// keeping every unchanged file as it is, and returns its path.
    pub fn replace_repo(&self, staged: &Path) -> Result<PathBuf> {
        let repo = self.dir.join("repo");
        sync(staged, &repo)
            .with_context(|| format!("cannot update the scratch repository {}", repo.display()))?;
        Ok(repo)
    }
}

/// `<cache>/tokio-katas/trusted-<digest of the target directory>`: one per
/// target directory, because what is built there was built from it. The
/// path is the same on every run and every machine with the same layout,
/// so a CI cache can carry it together with the target directory.
fn place_for(target_dir: &Path) -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let digest = Sha256::digest(target_dir.as_os_str().as_encoded_bytes());
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    cache.join("tokio-katas").join(format!("trusted-{short}"))
}

/// Makes `to` a copy of `from`, touching only what differs: files are
/// compared by content, and a file is written (so dated now) only when it
/// is new or its content changed.
fn sync(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    // What `to` has that `from` does not (or has as another kind) goes.
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        let theirs = entry.file_type()?;
        let ours = std::fs::symlink_metadata(from.join(entry.file_name())).ok();
        let same_kind = ours.is_some_and(|ours| {
            let ours = ours.file_type();
            (ours.is_dir() && theirs.is_dir())
                || (ours.is_file() && theirs.is_file())
                || (ours.is_symlink() && theirs.is_symlink())
        });
        if !same_kind {
            remove(&entry.path(), theirs.is_dir())?;
        }
    }
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if kind.is_dir() {
            sync(&source, &target)?;
        } else if kind.is_symlink() {
            let link = std::fs::read_link(&source)?;
            if std::fs::read_link(&target).ok().as_ref() != Some(&link) {
                std::fs::remove_file(&target).ok();
                crate::platform::symlink(&link, &target)?;
            }
        } else if !same_content(&source, &target) {
            std::fs::copy(&source, &target)
                .with_context(|| format!("cannot copy {}", source.display()))?;
        }
    }
    Ok(())
}

fn remove(path: &Path, is_dir: bool) -> Result<()> {
    match is_dir {
        true => std::fs::remove_dir_all(path),
        false => std::fs::remove_file(path),
    }
    .with_context(|| format!("cannot remove {}", path.display()))
}

fn same_content(a: &Path, b: &Path) -> bool {
    let (Ok(meta_a), Ok(meta_b)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    meta_a.len() == meta_b.len()
        && meta_a.permissions() == meta_b.permissions()
        && matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn modified(path: &Path) -> SystemTime {
        std::fs::metadata(path).unwrap().modified().unwrap()
    }

    fn age(path: &Path) {
        let old = SystemTime::now() - Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }

    #[test]
    fn sync_keeps_unchanged_files_and_rewrites_changed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        write(&from.join("katas/07/src/lib.rs"), "stub");
        write(&from.join("katas/07/tests/grading.rs"), "tests");
        write(&from.join("Cargo.toml"), "[workspace]");
        sync(&from, &to).unwrap();
        for file in [
            "katas/07/src/lib.rs",
            "katas/07/tests/grading.rs",
            "Cargo.toml",
        ] {
            age(&to.join(file));
        }
        let kept = modified(&to.join("katas/07/tests/grading.rs"));

        // The student's code changes; a stray file appears in the scratch;
        // a folder is gone from the source.
        write(&from.join("katas/07/src/lib.rs"), "solved");
        write(&to.join("katas/07/tests/snapshots/x.snap.new"), "pending");
        write(&to.join("katas/08/src/lib.rs"), "old kata");
        sync(&from, &to).unwrap();

        assert_eq!(
            std::fs::read_to_string(to.join("katas/07/src/lib.rs")).unwrap(),
            "solved"
        );
        assert!(
            modified(&to.join("katas/07/src/lib.rs")) > kept,
            "changed: dated now"
        );
        assert_eq!(modified(&to.join("katas/07/tests/grading.rs")), kept);
        assert!(!to.join("katas/07/tests/snapshots").exists());
        assert!(!to.join("katas/08").exists());
    }

    #[test]
    fn a_file_back_to_an_earlier_content_is_written_again() {
        // Built from "a", then from "b", then back to "a": the output built
        // from "b" must look stale, so "a" is dated now, not restored.
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        write(&from.join("lib.rs"), "a");
        sync(&from, &to).unwrap();
        write(&from.join("lib.rs"), "b");
        sync(&from, &to).unwrap();
        age(&to.join("lib.rs"));
        let built_from_b = SystemTime::now() - Duration::from_secs(60);
        write(&from.join("lib.rs"), "a");
        sync(&from, &to).unwrap();
        assert!(modified(&to.join("lib.rs")) > built_from_b);
        assert_eq!(std::fs::read_to_string(to.join("lib.rs")).unwrap(), "a");
    }

    #[test]
    fn each_target_directory_has_its_own_scratch() {
        let a = place_for(Path::new("/course/target/trusted-ref"));
        let b = place_for(Path::new("/other/target/trusted-ref"));
        assert_ne!(a, b);
        assert_eq!(a, place_for(Path::new("/course/target/trusted-ref")));
        assert!(a.starts_with(place_for(Path::new("/x")).parent().unwrap()));
    }
}
