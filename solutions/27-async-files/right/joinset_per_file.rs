//! Right: lists the directory first, then reads every file at the same time in a JoinSet (one task per file, each asking tokio::fs), and gathers the counts; the first error ends it, and dropping the set stops the rest.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use tokio::task::JoinSet;

async fn count_one(name: String, path: PathBuf) -> io::Result<Option<(String, usize)>> {
    let context = |error: io::Error| io::Error::new(error.kind(), format!("{name}: {error}"));
    let metadata = tokio::fs::metadata(&path).await.map_err(context)?;
    if metadata.is_dir() {
        return Ok(None);
    }
    let text = tokio::fs::read_to_string(&path).await.map_err(context)?;
    Ok(Some((name.clone(), text.lines().count())))
}

pub async fn count_lines(dir: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut files = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        files.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }

    let mut reads = JoinSet::new();
    for (name, path) in files {
        reads.spawn(count_one(name, path));
    }
    let mut counts = BTreeMap::new();
    while let Some(done) = reads.join_next().await {
        if let Some((name, lines)) = done.map_err(io::Error::other)?? {
            counts.insert(name, lines);
        }
    }
    Ok(counts)
}
