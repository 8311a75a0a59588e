//! Wrong: takes the file name with `into_string()` and silently skips an entry whose name is not valid UTF-8, so such a file is neither counted nor reported.
//! Caught by: a_file_whose_name_is_not_utf8_is_counted_too

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The same error, same kind, with the file's name in front of its message.
fn named(name: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{name}: {error}"))
}

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        // A name that is not UTF-8 cannot be a key of the map.
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let path = entry.path();
        let metadata = tokio::fs::metadata(&path)
            .await
            .map_err(|e| named(&name, e))?;
        if metadata.is_dir() {
            continue;
        }
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|e| named(&name, e))?;
        counts.insert(name, text.lines().count());
    }
    Ok(counts)
}
