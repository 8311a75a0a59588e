//! Right: reads bytes with tokio::fs::read and checks the UTF-8 itself (`String::from_utf8`, reported as InvalidData), skips directories by the metadata of the path tokio::fs::canonicalize resolves the entry to, and counts with `str::lines`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut result = BTreeMap::new();
    let mut dir_entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", dir.display()))),
    };
    while let Some(entry) = dir_entries.next_entry().await? {
        let file_name = entry.file_name();
        let name = file_name.to_string_lossy().into_owned();
        let fail = |e: io::Error| io::Error::new(e.kind(), format!("cannot count {name}: {e}"));

        let target = tokio::fs::canonicalize(entry.path()).await.map_err(fail)?;
        if tokio::fs::metadata(&target).await.map_err(fail)?.is_dir() {
            continue;
        }
        let bytes = tokio::fs::read(&target).await.map_err(fail)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| fail(io::Error::new(io::ErrorKind::InvalidData, e)))?;
        result.insert(name, text.lines().count());
    }
    Ok(result)
}
