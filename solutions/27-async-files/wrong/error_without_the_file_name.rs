//! Wrong: passes file errors on with a bare `?`, so the caller gets "stream did not contain valid UTF-8" or "No such file or directory" without knowing which file.
//! Caught by: a_file_that_is_not_utf8_is_an_error_that_names_it

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut counts = BTreeMap::new();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if tokio::fs::metadata(&path).await?.is_dir() {
            continue;
        }
        // WRONG: the error says what went wrong, but not with which file.
        let text = tokio::fs::read_to_string(&path).await?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}
