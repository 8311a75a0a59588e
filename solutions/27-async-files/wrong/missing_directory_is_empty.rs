//! Wrong: treats a directory that cannot be listed as an empty one (`let Ok(..) = read_dir(..) else { return Ok(empty) }`), so a missing directory gives `Ok({})` instead of a `NotFound` error.
//! Caught by: a_missing_directory_is_not_found

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    // WRONG: "nothing to count" hides "no such directory".
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return Ok(counts);
    };
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|error| about(&name, error))?;
        if metadata.is_dir() {
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
