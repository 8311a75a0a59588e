//! Wrong: reads bytes and converts them with String::from_utf8_lossy, so a file that is not UTF-8 is silently counted (with replacement characters) instead of being reported as InvalidData.
//! Caught by: a_file_that_is_not_utf8_is_an_error_that_names_it

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
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|error| about(&name, error))?;
        // WRONG: bad bytes become U+FFFD instead of an error.
        let text = String::from_utf8_lossy(&bytes);
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}

fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
