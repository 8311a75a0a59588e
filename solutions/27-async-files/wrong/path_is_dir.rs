//! Wrong: skips directories with `path.is_dir()`, which is a `std::fs::metadata` call in disguise: it blocks the runtime's thread (and an error about the file is lost, as is_dir says false).
//! Caught by: no_std_fs_call_runs_on_the_runtime_thread

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .map_err(|error| about(&dir.display().to_string(), error))?;
    let mut counts = BTreeMap::new();
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        // WRONG: Path::is_dir asks the file system, synchronously.
        if path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|error| about(&name, error))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}

fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
