//! Wrong: wraps every error in `io::Error::other(..)` to add the file name, so its kind becomes `Other`: a missing directory is no longer `NotFound`, bad UTF-8 no longer `InvalidData`.
//! Caught by: a_missing_directory_is_not_found, a_file_that_is_not_utf8_is_an_error_that_names_it

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .map_err(|e| io::Error::other(format!("{}: {e}", dir.display())))?;
    let mut counts = BTreeMap::new();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        // WRONG: the kind of the original error is thrown away.
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|e| io::Error::other(format!("{name}: {e}")))?;
        if metadata.is_dir() {
            continue;
        }
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|e| io::Error::other(format!("{name}: {e}")))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}
