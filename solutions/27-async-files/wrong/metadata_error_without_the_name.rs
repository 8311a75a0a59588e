//! Wrong: names the file in errors from reading it, but passes errors from `tokio::fs::metadata` on with a bare `?`, so a file that cannot even be looked at (a dangling symlink) gives "No such file or directory" without saying which.
//! Caught by: an_unreadable_file_is_an_error_that_names_it

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut counts = BTreeMap::new();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        // WRONG: this call can fail too, and its error says nothing about
        // which file.
        if tokio::fs::metadata(&path).await?.is_dir() {
            continue;
        }
        match tokio::fs::read_to_string(&path).await {
            Ok(text) => {
                counts.insert(name, text.lines().count());
            }
            Err(error) => {
                return Err(io::Error::new(error.kind(), format!("{name}: {error}")));
            }
        }
    }
    Ok(counts)
}
