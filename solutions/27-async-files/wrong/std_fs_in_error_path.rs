//! Wrong: all the happy path uses `tokio::fs`, but when a file cannot be looked at or read, the error message is "improved" with `std::fs::symlink_metadata` (to say "dangling symlink"), a blocking file-system call on the runtime's thread that only runs on the error path.
//! Caught by: no_std_fs_call_runs_on_the_runtime_thread

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The same error, same kind, with the file's name in front of its message.
fn named(name: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{name}: {error}"))
}

/// Names the file, and says so when it is a symlink to nowhere (the usual
/// reason a file in a listing cannot be opened).
fn explain(name: &str, path: &Path, error: io::Error) -> io::Error {
    let dangling = std::fs::symlink_metadata(path)
        .map(|metadata| metadata.file_type().is_symlink())
        .unwrap_or(false);
    if dangling {
        io::Error::new(
            error.kind(),
            format!("{name}: {error} (a symlink whose target is missing)"),
        )
    } else {
        named(name, error)
    }
}

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|e| explain(&name, &path, e))?;
        if metadata.is_dir() {
            continue;
        }
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|e| explain(&name, &path, e))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}
