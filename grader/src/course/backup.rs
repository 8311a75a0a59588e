//! Backups of a learner's work. The grader never changes a learner's files
//! except on an explicit request (`reset`, and `bench`, which edits a kata
//! while it times it): either first copies the file here, so that nothing
//! is lost even if the process is killed before it puts the file back.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

/// Copies a kata's `src/lib.rs` (`bytes`) to `.grader/backups/`, under a
/// name no earlier backup has, and returns where.
pub fn write_backup(root: &Path, id: &str, bytes: &[u8]) -> Result<PathBuf> {
    let dir = root.join(".grader").join("backups");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Never overwrite an earlier backup, even two resets in one second.
    for n in 0.. {
        let name = if n == 0 {
            format!("{id}-lib-{stamp}.rs")
        } else {
            format!("{id}-lib-{stamp}-{n}.rs")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut out) => {
                out.write_all(bytes)?;
                out.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot write the backup {}", path.display()));
            }
        }
    }
    unreachable!("some backup name is free")
}
