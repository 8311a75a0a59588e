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
//! So the grader stamps every test binary it builds with the checkout it
//! was built for (and the binary's modification time). A binary cargo
//! reports as fresh (not rebuilt) must carry this checkout's stamp and be
//! unchanged since; otherwise that package's outputs are removed with
//! `cargo clean -p` and it is built again, from the right sources. The
//! stamps live in `<target>/grader/provenance/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Result};
use tokio::process::Command;

use super::process::{run_limited, Exit};
use crate::discover::Repo;

/// `cargo clean -p` only deletes files.
const CLEAN_LIMIT: Duration = Duration::from_secs(300);

/// Whether `binary`, which cargo did not rebuild, is the one this grader
/// last built for `manifest_dir`.
pub fn is_ours(repo: &Repo, binary: &Path, manifest_dir: &Path) -> bool {
    let (Ok(stamp), Some(modified)) = (std::fs::read_to_string(stamp_path(repo, binary)), modified(binary)) else {
        return false;
    };
    stamp == stamp_text(manifest_dir, &modified)
}

/// Records that `binary` was built for `manifest_dir`.
pub fn stamp(repo: &Repo, binary: &Path, manifest_dir: &Path) -> Result<()> {
    let Some(modified) = modified(binary) else {
        return Ok(());
    };
    let path = stamp_path(repo, binary);
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(path, stamp_text(manifest_dir, &modified))?;
    Ok(())
}

fn stamp_path(repo: &Repo, binary: &Path) -> PathBuf {
    let name = binary.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    repo.target_dir.join("grader").join("provenance").join(name)
}

fn stamp_text(manifest_dir: &Path, modified: &str) -> String {
    format!("{}\n{modified}\n", manifest_dir.display())
}

/// The modification time, to the nanosecond, as text.
fn modified(binary: &Path) -> Option<String> {
    let time = std::fs::metadata(binary).ok()?.modified().ok()?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{}.{:09}", since.as_secs(), since.subsec_nanos()))
}

/// Removes every build output of `packages`, so that the next build
/// compiles them from this checkout's sources.
pub async fn clean(repo: &Repo, workspace: &Path, packages: &[&str]) -> Result<()> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("clean").arg("--manifest-path").arg(workspace);
    for package in packages {
        cmd.args(["--package", package]);
    }
    if let Some(dir) = workspace.parent() {
        cmd.current_dir(dir);
    }
    cmd.env("CARGO_TARGET_DIR", &repo.target_dir)
        .stdin(Stdio::null());
    let done = run_limited(cmd, CLEAN_LIMIT, 64 * 1024).await?;
    if done.exit != Exit::Code(0) {
        bail!(
            "`cargo clean` of {} failed: {}",
            packages.join(", "),
            String::from_utf8_lossy(&done.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_is_ours_only_if_stamped_for_this_checkout_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo {
            root: dir.path().to_path_buf(),
            target_dir: dir.path().join("target"),
            katas: Vec::new(),
            problems: Vec::new(),
        };
        let binary = dir.path().join("grading-0123");
        std::fs::write(&binary, "built here").unwrap();
        let ours = Path::new("/checkout/a/katas/07-timeout");
        assert!(!is_ours(&repo, &binary, ours), "never stamped");
        stamp(&repo, &binary, ours).unwrap();
        assert!(is_ours(&repo, &binary, ours));
        assert!(!is_ours(&repo, &binary, Path::new("/checkout/b/katas/07-timeout")));
        // Rebuilt since (by another checkout's cargo).
        let later = std::time::SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options().write(true).open(&binary).unwrap().set_modified(later).unwrap();
        assert!(!is_ours(&repo, &binary, ours));
    }
}
