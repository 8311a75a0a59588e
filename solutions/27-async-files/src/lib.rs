//! Kata 27: read files without blocking (reference solution).
//!
//! Operating systems offer no truly asynchronous API for ordinary files that
//! works everywhere, so `tokio::fs` does the honest thing: each call runs the
//! blocking `std::fs` call on tokio's blocking pool (`spawn_blocking`) and
//! hands the runtime a future for its result. The runtime's thread never
//! waits for the disk; it runs other tasks until the answer is there.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Counts the lines of every file directly inside `dir`, by file name.
pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    // `read_dir` itself is a blocking call, so it goes through tokio::fs as
    // well. A missing directory fails here with `NotFound`, which we pass on
    // with the directory's name.
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .map_err(|error| about(&dir.display().to_string(), error))?;

    let mut counts = BTreeMap::new();
    // `next_entry` fetches directory entries in batches on the blocking
    // pool; `None` means the listing is done.
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();

        // `tokio::fs::metadata` follows symlinks, so a link to a directory
        // is skipped like a directory, and a dangling link fails here (with
        // the file's name, not a bare "No such file or directory").
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|error| about(&name, error))?;
        if metadata.is_dir() {
            continue;
        }

        // Everything else is read, including special files such as named
        // pipes (`is_file()` is false for those). Reading a pipe may wait
        // for its writer as long as it likes: the wait happens on a
        // blocking-pool thread, and this task simply stays pending.
        // `read_to_string` checks the UTF-8 and fails with `InvalidData`.
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|error| about(&name, error))?;
        counts.insert(name, text.lines().count());
    }
    // The files are read one after the other. With many files, reading them
    // concurrently (`join_all`, a `JoinSet`) would keep several blocking
    // threads busy at once; for a handful, sequential is simpler.
    Ok(counts)
}

/// The same error, with `what` (a file or directory name) in its message:
/// "No such file or directory" alone does not say *which* file.
fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
