//! Wrong: lists the directory with tokio::fs but reads each file with std::fs::read_to_string, which blocks the runtime's thread until the file delivers: no other task runs meanwhile.
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
        if metadata.is_dir() {
            continue;
        }
        // WRONG: a blocking read, on the runtime's thread.
        let text = std::fs::read_to_string(&path).map_err(|error| about(&name, error))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}

fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
