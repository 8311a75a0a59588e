//! Wrong: counts only the lines that have something on them (`lines().filter(|l| !l.trim().is_empty())`), although an empty line is a line too.
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
        // WRONG: blank lines count as lines.
        let lines = text.lines().filter(|line| !line.trim().is_empty()).count();
        counts.insert(name, lines);
    }
    Ok(counts)
}

fn about(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
