//! Wrong: reads only the entries whose metadata says `is_file()`, so special files such as named pipes are left out, although only directories are to be skipped.
//! Caught by: reading_a_slow_file_does_not_block_the_runtime

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .map_err(|error| about(&dir.display().to_string(), error))?;
    let mut counts = BTreeMap::new();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|error| about(&name, error))?;
        // WRONG: "not a directory" and "a regular file" are not the same.
        if !metadata.is_file() {
            continue;
        }
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
