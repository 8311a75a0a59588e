//! Wrong: counts only the files whose name ends in `.txt`, although every entry that is not a directory is to be counted, whatever its name.
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
        // WRONG: "text files" are not only the ones called *.txt.
        if !name.ends_with(".txt") {
            continue;
        }
        let path = entry.path();
        if tokio::fs::metadata(&path)
            .await
            .map_err(|error| about(&name, error))?
            .is_dir()
        {
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
