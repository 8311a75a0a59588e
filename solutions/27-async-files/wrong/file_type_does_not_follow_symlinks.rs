//! Wrong: skips directories with `DirEntry::file_type()`, which describes a symlink itself instead of what it points to, so a symlink to a directory is read as a file (and fails).
//! Caught by: counts_the_lines_of_every_file

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
        // WRONG: file_type does not follow symlinks.
        let file_type = entry
            .file_type()
            .await
            .map_err(|error| about(&name, error))?;
        if file_type.is_dir() {
            continue;
        }
        let text = tokio::fs::read_to_string(entry.path())
            .await
            .map_err(|error| about(&name, error))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}

fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
